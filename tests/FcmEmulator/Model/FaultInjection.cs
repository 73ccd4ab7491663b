namespace Pushboard.FcmEmulator.Model;

// LatencyMs: a wait before a send is taken (a sender that gives up meanwhile sent nothing); AnswerLatencyMs: a wait after
// it was taken and before its answer (a sender that gives up meanwhile does not know that it sent). UnknownProject: every
// send answers as FCM does for a project id it does not know (a misconfigured sender). RefuseServiceAccount: /token answers
// as Google does for a service account key that was deleted. TokenLatencyMs: a wait before /token answers (a token
// endpoint that hangs).
public sealed record FaultProfile(
    double Rate429, double Rate503, int RetryAfterSeconds, int LatencyMs, int AnswerLatencyMs, bool UnknownProject, bool RefuseServiceAccount,
    int TokenLatencyMs)
{
    public static readonly FaultProfile None = new(0, 0, 0, 0, 0, false, false, 0);
}

public enum InjectedFault
{
    None,
    QuotaExceeded,
    Unavailable,
}

public sealed class FaultInjection
{
    private volatile FaultProfile _profile = FaultProfile.None;

    public FaultProfile Profile
    {
        get => _profile;
        set => _profile = value;
    }

    public InjectedFault Roll()
    {
        var profile = _profile;
        if (profile.Rate429 <= 0 && profile.Rate503 <= 0)
        {
            return InjectedFault.None;
        }

        var roll = Random.Shared.NextDouble();
        if (roll < profile.Rate429)
        {
            return InjectedFault.QuotaExceeded;
        }

        return roll < profile.Rate429 + profile.Rate503 ? InjectedFault.Unavailable : InjectedFault.None;
    }
}
