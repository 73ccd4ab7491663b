using System.Security.Cryptography;
using System.Text.Json;

namespace Pushboard.AppHost;

// Real Firebase when a service account is configured (and always when publishing); otherwise the local FCM emulator,
// with a generated service account whose token_uri is the emulator, so the real OAuth2 + send path runs.
internal sealed record FcmSettings(
    IResourceBuilder<ParameterResource> ServiceAccount,
    string ProjectId,
    string Endpoint,
    IResourceBuilder<ProjectResource>? Emulator);

internal static class FcmResources
{
    private const string ServiceAccountParameter = "firebase-service-account";
    private const string FirebaseEndpoint = "https://fcm.googleapis.com";
    private const string EmulatorProjectId = "pushboard-local";

    public static FcmSettings AddFcm(this IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[$"Parameters:{ServiceAccountParameter}"];
        if (builder.ExecutionContext.IsPublishMode || !string.IsNullOrWhiteSpace(configured))
        {
            return new FcmSettings(
                builder.AddParameter(ServiceAccountParameter, secret: true),
                ReadProjectId(configured),
                builder.Configuration["Fcm:Endpoint"] ?? FirebaseEndpoint,
                null);
        }

        var port = builder.Configuration.GetValue("Infrastructure:FcmEmulatorPort", 5199);
        var http2Port = builder.Configuration.GetValue("Infrastructure:FcmEmulatorHttp2Port", 5198);
        Infrastructure.PortCheck.RequireFreeWhenRunning(builder, port, "fcm-emulator");
        Infrastructure.PortCheck.RequireFreeWhenRunning(builder, http2Port, "fcm-emulator");

        // HTTP/1.1 for /token and the control API; messages:send over HTTP/2, as the real FCM serves it.
        var emulatorUrl = $"http://localhost:{port}";
        var emulator = builder.AddProject<Projects.FcmEmulator>("fcm-emulator", launchProfileName: null)
            .WithHttpEndpoint(port: port, targetPort: port, isProxied: false, env: "Emulator__Port")
            .WithHttpEndpoint(port: http2Port, targetPort: http2Port, name: "http2", isProxied: false, env: "Emulator__Http2Port")
            .WithEndpoint("http2", endpoint => endpoint.Transport = "http2")
            .WithHttpHealthCheck("/health", endpointName: "http");
        var generated = new Lazy<string>(() => GenerateServiceAccount(emulatorUrl));
        var serviceAccount = builder.AddParameter(ServiceAccountParameter, () => generated.Value, secret: true);
        return new FcmSettings(serviceAccount, EmulatorProjectId, $"http://localhost:{http2Port}", emulator);
    }

    public static IResourceBuilder<ProjectResource> WithFcm(this IResourceBuilder<ProjectResource> project, FcmSettings fcm)
    {
        project
            .WithEnvironment("Fcm__ServiceAccountJson", fcm.ServiceAccount)
            .WithEnvironment("Fcm__Endpoint", fcm.Endpoint);
        // A published app gets the service account only at deployment, so its project id is read from that JSON at run time.
        if (fcm.ProjectId.Length > 0)
        {
            project.WithEnvironment("Fcm__ProjectId", fcm.ProjectId);
        }

        return fcm.Emulator is null ? project : project.WaitFor(fcm.Emulator);
    }

    private static string ReadProjectId(string? serviceAccountJson)
    {
        if (string.IsNullOrWhiteSpace(serviceAccountJson))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(serviceAccountJson);
            return document.RootElement.GetProperty("project_id").GetString() ?? "";
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new AppHostConfigurationException(
                $"Parameters:{ServiceAccountParameter} is not a Firebase service-account JSON with a project_id: download it from the Firebase console (Project settings → Service accounts).");
        }
    }

    private static string GenerateServiceAccount(string emulatorUrl)
    {
        using var rsa = RSA.Create(2048);
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = EmulatorProjectId,
            ["private_key_id"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant(),
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = $"pushboard@{EmulatorProjectId}.iam.gserviceaccount.com",
            ["client_id"] = "100000000000000000000",
            ["token_uri"] = $"{emulatorUrl}/token",
        });
    }
}
