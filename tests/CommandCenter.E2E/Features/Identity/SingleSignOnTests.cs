using System.Net;
using System.Net.Sockets;
using System.Text;
using CommandCenter.Testing;

namespace CommandCenter.E2E.Features.Identity;

/// <summary>OpenID Connect wiring against a stand-in identity provider on loopback that serves only its discovery document.</summary>
public sealed class SingleSignOnTests : IAsyncLifetime
{
    private readonly TestDatabase db = new();
    private readonly HttpListener provider = new();
    private string authority = "";
    private AppProcess? app;

    public async Task InitializeAsync()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        authority = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();
        provider.Prefixes.Add(authority + "/");
        provider.Start();
        _ = ServeDiscoveryAsync();
        await db.InitializeAsync();
        app = await AppProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>
        {
            ["Authentication__OpenIdConnect__Enabled"] = "true",
            ["Authentication__OpenIdConnect__Authority"] = authority,
            ["Authentication__OpenIdConnect__ClientId"] = "commandcenter",
            ["Authentication__OpenIdConnect__RequireHttpsMetadata"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
        provider.Close();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task SsoLogin_Enabled_RedirectsToProviderWithPkce()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app!.BaseUrl) };

        using var login = await http.GetAsync("/login");
        using var sso = await http.GetAsync("/login/sso?returnUrl=%2Fcity");

        Assert.Contains("id=\"login-sso\"", await login.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, sso.StatusCode);
        var target = sso.Headers.Location!.ToString();
        Assert.StartsWith(authority + "/authorize?", target);
        Assert.Contains("client_id=commandcenter", target);
        Assert.Contains("code_challenge=", target);
        Assert.Contains("response_type=code", target);
    }

    private async Task ServeDiscoveryAsync()
    {
        var discovery = $$"""
            {"issuer":"{{authority}}","authorization_endpoint":"{{authority}}/authorize","token_endpoint":"{{authority}}/token",
             "jwks_uri":"{{authority}}/jwks","response_types_supported":["code"],"subject_types_supported":["public"],
             "id_token_signing_alg_values_supported":["RS256"]}
            """;
        while (provider.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await provider.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            var body = ctx.Request.Url!.AbsolutePath switch
            {
                "/.well-known/openid-configuration" => discovery,
                "/jwks" => """{"keys":[]}""",
                _ => null,
            };
            ctx.Response.StatusCode = body is null ? 404 : 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body ?? "{}"));
            ctx.Response.Close();
        }
    }
}
