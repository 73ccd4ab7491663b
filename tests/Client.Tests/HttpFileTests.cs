using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Pushboard.Client.Tests;

// DeviceApi/DeviceApi.http and NotificationApi/NotificationApi.http: each request is an operation of the service's
// OpenAPI document with a body its schema allows, every public operation has a request, and the files run top to bottom
// against the services as a person runs them (the keys and the userIdHash filled in, as the file's comments ask).
[Collection(ClientCollection.Name)]
public sealed class HttpFileTests(ClientFixture fixture)
{
    [Theory]
    [InlineData("deviceapi", "DeviceApi.http")]
    [InlineData("notificationapi", "NotificationApi.http")]
    public async Task Every_request_is_an_operation_of_the_OpenAPI_document_with_a_valid_body_and_every_public_operation_has_one(
        string service, string file)
    {
        var spec = await SpecOf(service);
        var http = HttpFile.Read(Path.Combine(AppContext.BaseDirectory, "http", file));
        var answers = http.Requests.Where(request => request.Name is not null)
            .ToDictionary(request => request.Name!, _ => (JsonNode?)new JsonObject { ["id"] = Guid.NewGuid().ToString() });
        var problems = new List<string>();

        var covered = http.Requests.Select(request => spec.Check(Shape(http, request, answers), problems)).ToHashSet();

        Assert.Empty(problems);
        Assert.Empty(PublicOperations.Of(spec, service).Except(covered!));
    }

    [Theory]
    [InlineData("deviceapi", "DeviceApi.http")]
    [InlineData("notificationapi", "NotificationApi.http")]
    public async Task The_file_runs_top_to_bottom_without_an_error(string service, string file)
    {
        var http = HttpFile.Read(Path.Combine(AppContext.BaseDirectory, "http", file));
        http.Variables["host"] = fixture.EndpointOf(service).ToString().TrimEnd('/');
        http.Variables["adminKey"] = fixture.AdminApiKey;
        http.Variables["appKey"] = fixture.AppApiKey;
        http.Variables["userIdHash"] = fixture.Vouch("u-42");
        using var client = new HttpClient();
        var answers = new Dictionary<string, JsonNode?>();
        var failures = new List<string>();

        foreach (var request in http.Requests)
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), http.Expand(request.Url, answers));
            foreach (var (name, value) in request.Headers.Where(header => !header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
            {
                message.Headers.Add(name, http.Expand(value, answers));
            }

            if (request.Body is not null)
            {
                message.Content = new StringContent(http.Expand(request.Body, answers), Encoding.UTF8);
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.Headers["Content-Type"]);
            }

            using var response = await client.SendAsync(message);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                failures.Add($"{request.Method} {request.Url}: {(int)response.StatusCode} {text}");
            }
            else if (request.Name is not null)
            {
                answers[request.Name] = JsonNode.Parse(text);
            }
        }

        Assert.Empty(failures);
    }

    private async Task<OpenApiSpec> SpecOf(string service)
    {
        using var client = fixture.CreateClient(service);
        return await OpenApiSpec.LoadAsync(client);
    }

    private static RequestShape Shape(HttpFile http, HttpFileRequest request, IReadOnlyDictionary<string, JsonNode?> answers) =>
        RequestShape.Of(
            request.Method,
            new Uri(http.Expand(request.Url, answers)),
            request.Headers.TryGetValue("Content-Type", out var type) ? MediaTypeHeaderValue.Parse(type).MediaType : null,
            request.Body is null ? null : http.Expand(request.Body, answers));
}
