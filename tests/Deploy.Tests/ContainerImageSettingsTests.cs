using System.Text.Json;

namespace Pushboard.Deploy.Tests;

// The image `dotnet publish -t:PublishContainer` would build (no container engine or registry here): the SDK's own
// ComputeContainerConfig target evaluates and validates the settings without pulling the base image.
public sealed class ContainerImageSettingsTests
{
    public static TheoryData<string, string> Services => new()
    {
        { "DeviceApi/DeviceApi.csproj", "pushboard-deviceapi" },
        { "NotificationApi/NotificationApi.csproj", "pushboard-notificationapi" },
        { "Web/Web.csproj", "pushboard-web" },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Each_service_publishes_a_chiseled_non_root_production_image_on_port_8080(string project, string repository)
    {
        var config = await ContainerConfigAsync(project);

        Assert.Equal(repository, config.Properties["ContainerRepository"]);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra", config.Properties["ContainerBaseImage"]);
        Assert.Equal("app", config.Properties["ContainerUser"]);
        Assert.Equal("true", config.Properties["EnableSdkContainerSupport"]);
        Assert.Equal(["8080/tcp"], config.Ports);
        Assert.Equal("Production", config.Environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("8080", config.Environment["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal("0", config.Environment["DOTNET_TC_CallCountingDelayMs"]);
    }

    [Theory]
    [InlineData("DeviceApi/DeviceApi.csproj")]
    [InlineData("NotificationApi/NotificationApi.csproj")]
    [InlineData("Web/Web.csproj")]
    public async Task Published_for_linux_x64_each_service_is_ReadyToRun_compiled_without_dynamic_PGO(string project)
    {
        var result = await Repository.DotnetAsync(
        [
            "msbuild", Repository.PathOf(project), "-nologo", "-p:Configuration=Release", "-p:RuntimeIdentifier=linux-x64",
            "-getProperty:PublishReadyToRun", "-getProperty:TieredPGO",
        ]);

        Assert.Equal(0, result.ExitCode);
        var properties = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("Properties");
        Assert.Equal("true", properties.GetProperty("PublishReadyToRun").GetString());
        Assert.Equal("false", properties.GetProperty("TieredPGO").GetString());
    }

    [Theory]
    [InlineData("tests/FcmEmulator/FcmEmulator.csproj")]
    [InlineData("AppHost/AppHost.csproj")]
    public async Task Projects_that_are_not_deployed_get_no_service_image_settings(string project)
    {
        var result = await Repository.DotnetAsync(
            ["msbuild", Repository.PathOf(project), "-nologo", "-getProperty:ContainerRepository", "-getProperty:ContainerBaseImage"]);

        Assert.Equal(0, result.ExitCode);
        var properties = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("Properties");
        Assert.Equal("", properties.GetProperty("ContainerRepository").GetString());
        Assert.Equal("", properties.GetProperty("ContainerBaseImage").GetString());
    }

    private static async Task<ContainerConfig> ContainerConfigAsync(string project)
    {
        var result = await Repository.DotnetAsync(
        [
            "msbuild", Repository.PathOf(project), "-nologo", "-t:ComputeContainerConfig", "-p:Configuration=Release",
            "-getProperty:ContainerRepository", "-getProperty:ContainerBaseImage", "-getProperty:ContainerUser",
            "-getProperty:EnableSdkContainerSupport", "-getItem:ContainerPort", "-getItem:ContainerEnvironmentVariables",
        ]);
        Assert.True(result.ExitCode == 0, $"ComputeContainerConfig failed: {result.Stdout}{result.Stderr}");

        var root = JsonDocument.Parse(result.Stdout).RootElement;
        var items = root.GetProperty("Items");
        return new ContainerConfig(
            root.GetProperty("Properties").EnumerateObject().ToDictionary(property => property.Name, property => property.Value.GetString()!),
            items.GetProperty("ContainerPort").EnumerateArray()
                .Select(port => $"{port.GetProperty("Identity").GetString()}/{port.GetProperty("Type").GetString()}").ToList(),
            items.GetProperty("ContainerEnvironmentVariables").EnumerateArray()
                .ToDictionary(variable => variable.GetProperty("Identity").GetString()!, variable => variable.GetProperty("Value").GetString()!));
    }

    private sealed record ContainerConfig(Dictionary<string, string> Properties, List<string> Ports, Dictionary<string, string> Environment);
}
