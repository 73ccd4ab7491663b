using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;
using Pushboard.DeviceApi.Apis;
using Pushboard.DeviceApi.Identity;
using Pushboard.DeviceApi.Model;
using Pushboard.DeviceApi.Services;

namespace Pushboard.DeviceApi.Tests;

public sealed class PureLogicTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("Z.9_x:y-")]
    public void A_cursor_decodes_to_the_device_id_it_encodes(string deviceId)
    {
        Assert.True(DeviceValidation.TryDecodeCursor(PageCursor.Encode(PageCursor.Devices, deviceId), out var decoded));
        Assert.Equal(deviceId, decoded);
    }

    // Cursors handed out before PageCursor moved to Contracts stay valid.
    [Fact]
    public void A_devices_cursor_is_the_base64url_of_d1_and_the_device_id()
    {
        Assert.True(DeviceValidation.TryDecodeCursor("ZDE6YWJj", out var decoded));
        Assert.Equal("abc", decoded);
    }

    [Fact]
    public void The_cursor_of_another_list_is_not_a_devices_cursor() =>
        Assert.False(DeviceValidation.TryDecodeCursor(PageCursor.Encode(PageCursor.Notifications, "d-1"), out _));

    [Theory]
    [InlineData("")]
    [InlineData("not-a-cursor!")]
    [InlineData("ZDE6")]
    [InlineData("YWJj")]
    [InlineData("ZDE6YmFkIGlk")]
    [InlineData("_w")]
    public void Garbage_is_not_a_cursor(string cursor) => Assert.False(DeviceValidation.TryDecodeCursor(cursor, out _));

    [Theory]
    [InlineData("dGhpc2lzYXZlcnlsb25ndG9rZW4xMjM0NTY", "…jM0NTY")]
    [InlineData("abcdefg", "…bcdefg")]
    [InlineData("abcdef", "******")]
    [InlineData(null, "(none)")]
    public void Tokens_are_masked_to_their_last_six_characters(string? token, string masked) => Assert.Equal(masked, TokenMask.Mask(token));

    // The value of `printf %s u-42 | openssl dgst -sha256 -hmac identity-secret-example` (docs/deviceapi.md).
    [Fact]
    public void The_userIdHash_is_the_lowercase_hex_hmac_openssl_prints() =>
        Assert.Equal("a045ca78b030f0a2ecf9896df5d33bbd5a05f6e370821bff22ec1b9fdd3ad587", UserIdHash.Compute("u-42", "identity-secret-example"));

    [Fact]
    public void Registration_lists_every_bad_field()
    {
        var errors = DeviceValidation.ValidateRegistration(
            "id with space", new RegisterDeviceRequest(null, null, "", null, new string('v', 65), "ko\nKR", "KST", new() { ["a b"] = "x" }), DeviceAccess.ForAdmin);
        Assert.Equal(["appVersion", "deviceId", "fcmToken", "locale", "platform", "tags", "timeZone", "userId"], errors.Keys.Order());
    }

    [Theory]
    [InlineData("android", "u", "3.1.0", "ko-KR")]
    [InlineData("web", null, null, null)]
    [InlineData("ios", "사용자@example.com", "", "")]
    public void Valid_registrations_pass(string platform, string? userId, string? appVersion, string? locale) =>
        Assert.Empty(DeviceValidation.ValidateRegistration(
            "d-1", new RegisterDeviceRequest("tok", platform, userId, null, appVersion, locale, "Asia/Seoul", new() { ["plan"] = "pro" }), DeviceAccess.ForAdmin));

    // Before, the 64 was counted in UTF-16 units: 64 emoji were 128 and refused.
    [Fact]
    public void App_version_and_locale_count_characters()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 64));
        Assert.Empty(DeviceValidation.ValidateRegistration(
            "d-1", new RegisterDeviceRequest("tok", "ios", null, null, emoji, emoji, null, null), DeviceAccess.ForAdmin));
        Assert.Equal(["appVersion", "locale"], DeviceValidation.ValidateRegistration(
            "d-1", new RegisterDeviceRequest("tok", "ios", null, null, emoji + "😀", emoji + "😀", null, null), DeviceAccess.ForAdmin).Keys.Order());
    }

    [Theory]
    [InlineData("t\u00a0k")]
    [InlineData("t\0k")]
    [InlineData("lone surrogate")]
    [InlineData("")]
    public void Tokens_with_whitespace_control_or_broken_characters_are_refused(string token)
    {
        token = token == "lone surrogate" ? "tok" + '\ud800' : token;
        Assert.Contains("fcmToken", DeviceValidation.ValidateRefresh("d", new RefreshTokenRequest(token), DeviceAccess.ForAdmin).Keys);
    }

    // Before, a count that failed before its first await left its failed task in place: no count was ever tried again.
    [Fact]
    public async Task A_registry_count_that_fails_at_once_is_tried_again_on_the_next_call()
    {
        var scopes = new FailingScopeFactory();
        var stats = new DeviceStatsQueries(scopes, TimeProvider.System, Options.Create(new DeviceStatsOptions()), NullLogger<DeviceStatsQueries>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() => stats.GetAsync(CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => stats.GetAsync(CancellationToken.None));

        Assert.Equal(2, scopes.Calls);
    }

    private sealed class FailingScopeFactory : IServiceScopeFactory
    {
        public int Calls { get; private set; }

        public IServiceScope CreateScope()
        {
            Calls++;
            throw new InvalidOperationException("The database is unreachable.");
        }
    }
}
