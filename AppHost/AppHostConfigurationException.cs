namespace Pushboard.AppHost;

// A configuration or machine problem the user can fix; reported as one line, without a stack trace.
public sealed class AppHostConfigurationException(string message) : Exception(message);
