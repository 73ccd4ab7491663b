namespace Pushboard.AppHost;

internal static class ApiKeyParameters
{
    // The API keys and the identity secret: in local runs a strong key is generated once and kept in the AppHost's user secrets;
    // a published app has no default: the deployment must supply the key.
    public static IResourceBuilder<ParameterResource> AddApiKeyParameter(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddParameter(name, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true)
            : builder.AddParameter(name, secret: true);

    public static IResourceBuilder<ProjectResource> WithApiKeys(
        this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<ParameterResource> adminApiKey,
        IResourceBuilder<ParameterResource> appApiKey) =>
        project
            .WithEnvironment("Parameters__admin-api-key", adminApiKey)
            .WithEnvironment("Parameters__app-api-key", appApiKey);
}
