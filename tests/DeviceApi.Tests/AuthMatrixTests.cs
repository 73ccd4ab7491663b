using System.Net;
using System.Net.Http.Json;

namespace Pushboard.DeviceApi.Tests;

[Collection(DeviceApiCollection.Name)]
public sealed class AuthMatrixTests(DeviceApiFixture fixture)
{
    public enum Caller { NoKey, WrongKey, App, Admin }

    public static TheoryData<string, Caller, int> Matrix()
    {
        var data = new TheoryData<string, Caller, int>();
        foreach (var (call, appMay) in new[] { ("put", true), ("patch", true), ("delete", true), ("get", false), ("list", false), ("query", false) })
        {
            data.Add(call, Caller.NoKey, 401);
            data.Add(call, Caller.WrongKey, 401);
            data.Add(call, Caller.App, appMay ? 200 : 403);
            data.Add(call, Caller.Admin, 200);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_key_may_make_exactly_its_calls(string call, Caller caller, int expected)
    {
        var id = TestData.NewId();
        await fixture.AppClient().Register(id, TestData.NewToken());
        var client = caller switch
        {
            Caller.NoKey => fixture.Anonymous(),
            Caller.WrongKey => fixture.CreateClient(DeviceApiFixture.Resource, fixture.AdminApiKey.ToUpperInvariant()),
            Caller.App => fixture.AppClient(),
            _ => fixture.Admin(),
        };

        var response = call switch
        {
            "put" => await client.PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "web" }),
            "patch" => await client.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() }),
            "delete" => await client.DeleteAsync($"/api/devices/{id}"),
            "get" => await client.GetAsync($"/api/devices/{id}"),
            "list" => await client.GetAsync("/api/devices?limit=1"),
            _ => await client.PostAsJsonAsync("/api/devices/query", new { deviceIds = new[] { id } }),
        };

        if (expected == 200)
        {
            Assert.True(response.IsSuccessStatusCode, $"{call} as {caller}: {(int)response.StatusCode}");
            return;
        }

        await response.AssertProblem(expected);
        // A refused call changes nothing.
        Assert.Equal(id, (await fixture.Admin().GetDevice(id)).DeviceId);
    }

    [Fact]
    public async Task Authentication_comes_before_validation()
    {
        await (await fixture.Anonymous().PutDevice("bad id", new { })).AssertProblem(401);
        await (await fixture.AppClient().GetAsync("/api/devices?status=nonsense")).AssertProblem(403);
    }
}
