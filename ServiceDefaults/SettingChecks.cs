using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

// One check per setting, so that a start refused names the setting out of range.
public static class SettingChecks
{
    // A generous bound for a pause, a deadline or a lease: timers (CancellationTokenSource, Task.Delay, PeriodicTimer)
    // refuse anything beyond about 49 days, at the first use rather than at start.
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    public static OptionsBuilder<T> Positive<T>(this OptionsBuilder<T> options, string key, Func<T, int> setting) where T : class =>
        options.Validate(value => setting(value) > 0, $"{key} must be positive.");

    public static OptionsBuilder<T> Positive<T>(this OptionsBuilder<T> options, string key, Func<T, TimeSpan> setting) where T : class =>
        options.Validate(value => setting(value) > TimeSpan.Zero && setting(value) <= MaxDuration, $"{key} must be positive and at most a day.");

    // For a sweep that may run more rarely than daily (maxDays well under the timers' 49).
    public static OptionsBuilder<T> Positive<T>(this OptionsBuilder<T> options, string key, Func<T, TimeSpan> setting, int maxDays) where T : class =>
        options.Validate(
            value => setting(value) > TimeSpan.Zero && setting(value) <= TimeSpan.FromDays(maxDays), $"{key} must be positive and at most {maxDays} days.");

    public static OptionsBuilder<T> NotNegative<T>(this OptionsBuilder<T> options, string key, Func<T, TimeSpan> setting) where T : class =>
        options.Validate(value => setting(value) >= TimeSpan.Zero && setting(value) <= MaxDuration, $"{key} must be between 0 and a day.");
}
