namespace Pushboard.Web.Services;

// Unknown is neither good nor bad: a service outside Development reports only its overall status, not its parts'.
public enum PartState
{
    Healthy,
    Unhealthy,
    Unknown,
}
