using System.Net;
using System.Reflection;
using System.Text;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Testing;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Tests.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Features.Identity;

/// <summary>
/// Every endpoint the app maps (found in its EndpointDataSource, not listed by hand) names a policy or is
/// explicitly anonymous, and answers each kind of caller as the matrix below says, through real sign-ins.
/// </summary>
public sealed class AuthorizationMatrixTests(CommandCenterFactory factory) : IClassFixture<CommandCenterFactory>
{
    private const string InScope = "110101";     // 东城区: liaison-110101's district, home of street-110101001
    private const string OutOfScope = "110102";  // 西城区

    /// <summary>The callers, in the matrix's column order.</summary>
    private static readonly string[] Callers =
        ["anonymous", "admin", "commander", "supervisor", $"liaison-{InScope}", $"street-{DemoAccounts.StreetUnit}", "dept-city-management", "wall", "api-client"];

    // Sample values for route parameters.
    private static readonly Dictionary<string, string> RouteValues = new(StringComparer.OrdinalIgnoreCase)
    {
        ["adcode"] = InScope,
        ["culture"] = "en",
        ["format"] = "json",
        ["code"] = "noise",
        ["id"] = "999999999",
        ["token"] = "no-such-token",
    };

    // Columns as in Callers. A = allowed (the row's own success answer), L = must sign in (pages: 302 to /login?returnUrl=…,
    // APIs: 401), F = forbidden (pages: 302 to /access-denied, APIs: 403). The key is "<methods> <route pattern>" as
    // discovered ("*" = any method); authorization metadata belongs to the endpoint, so one request per endpoint tests it.
    private static readonly MatrixRow[] Matrix =
    [
        //    endpoint                                     success                  an ad co su li st de wa api
        Page("GET,POST /",                                 "200",                  "L  A  A  A  A  A  A  A  L"),
        Page("GET,POST /city",                             "200",                  "L  A  A  A  A  A  A  A  L"),
        Page("GET,POST /city/district/{Adcode}",           "200",                  "L  A  A  A  A  A  A  A  L"),
        Page("GET,POST /admin",                            "200",                  "L  A  F  F  F  F  F  F  L"),
        Page("GET,POST /admin/import",                     "200",                  "L  A  F  F  F  F  F  F  L"),
        Page("GET,POST /department",                       "200",                  "L  F  F  F  F  F  A  F  L"),
        Page("GET,POST /command",                          "200",                  "L  F  A  F  F  F  F  F  L"),
        // The wall is interactive only (not prerendered): the page answers 200 with an empty shell the circuit fills.
        Page("GET,POST /command/orders",                   "200",                  "L  F  A  A  F  F  F  F  L"),
        Page("GET,POST /command/risk",                     "200",                  "L  F  A  A  F  F  F  F  L"),
        // The district inbox (static rendering, form posts): liaisons only.
        Page("GET,POST /liaison",                          "200",                  "L  F  F  F  A  F  F  F  L"),
        Page("GET,POST /wall",                             "200",                  "L  A  A  A  F  F  F  A  L"),
        Page("GET,POST /login",                            "200",                  "A  A  A  A  A  A  A  A  A"),
        // The page explains a refusal, so it answers 403 itself; reaching it is the success.
        Page("GET,POST /access-denied",                    "403",                  "A  A  A  A  A  A  A  A  A"),
        Page("GET,POST /error",                            "200",                  "A  A  A  A  A  A  A  A  A"),
        Page("POST /logout",                               "302 /login",           "L  A  A  A  A  A  A  A  L"),
        Page("GET /device/signin?token=" + DemoAccounts.WallToken, "302 /wall?kiosk=1", "A  A  A  A  A  A  A  A  A"),
        // Single sign-on is off in this configuration: reachable by anyone, and says so with 404.
        Page("GET /login/sso",                             "404",                  "A  A  A  A  A  A  A  A  A"),
        Page("GET /culture/{culture}",                     "302 /",                "A  A  A  A  A  A  A  A  A"),
        Page("* /healthz",                                 "200",                  "A  A  A  A  A  A  A  A  A"),
        Api("GET /api/v1/org/districts",                   "200",                  "L  A  A  A  A  A  A  A  A"),
        Api("GET /api/v1/org/districts/{adcode}/streets",  "200",                  "L  A  A  A  A  A  A  A  A"),
        Api("GET /api/v1/org/departments",                 "200",                  "L  A  A  A  A  A  A  A  A"),
        Api("GET /api/v1/org/categories",                  "200",                  "L  A  A  A  A  A  A  A  A"),
        // Open311: the catalog is public; requests need an API key, and the spec answers 403 for a missing one too.
        Api("GET /open311/v2/discovery.{format}",          "200",                  "A  A  A  A  A  A  A  A  A"),
        Api("GET /open311/v2/services.{format}",           "200",                  "A  A  A  A  A  A  A  A  A"),
        Api("GET /open311/v2/services/{code}.{format}",    "200",                  "A  A  A  A  A  A  A  A  A"),
        Api("POST /open311/v2/requests.{format}",          "400",                  "F  F  F  F  F  F  F  F  A"),
        Api("GET /open311/v2/requests.{format}",           "200",                  "F  F  F  F  F  F  F  F  A"),
        Api("GET /open311/v2/requests/{id}.{format}",      "404",                  "F  F  F  F  F  F  F  F  A"),
        Api("GET /open311/v2/tokens/{token}.{format}",     "404",                  "F  F  F  F  F  F  F  F  A"),
        // The dispatch hub: only liaisons pass authorization (SignalR then answers GET without a connection id 400, GET negotiate 405).
        Api("* /hubs/dispatch",                            "400",                  "L  F  F  F  A  F  F  F  L"),
        Api("* /hubs/dispatch/negotiate",                  "405",                  "L  F  F  F  A  F  F  F  L"),
        // Sensor platforms only: people's cookies do not count (an empty body is refused after authorization, as 415).
        Api("POST /api/v1/readings",                       "415",                  "L  L  L  L  L  L  L  L  A"),
    ];

    /// <summary>
    /// Framework endpoints that name no policy: they are covered by the fallback policy (signed-in), which is
    /// exactly what they need, and we cannot attach metadata to them without re-mapping Blazor's own plumbing.
    /// </summary>
    private static readonly FrameworkEndpoint[] Framework =
    [
        // The Blazor Server circuit hub (SignalR): only signed-in browsers open circuits.
        new("* /_blazor", "GET", "/_blazor?id=matrix"),
        new("* /_blazor/negotiate", "POST", "/_blazor/negotiate?negotiateVersion=1"),
        new("* /_blazor/disconnect/", "POST", "/_blazor/disconnect/"),
        new("* /_blazor/initializers/", "GET", "/_blazor/initializers/"),
        // Enhanced navigation's redirect helper (a protected URL in the query); only interactive pages use it.
        new("GET /_framework/opaque-redirect", "GET", "/_framework/opaque-redirect"),
    ];

    [Fact]
    public void Endpoints_All_NameAPolicyOrAllowAnonymous()
    {
        var policies = typeof(Policies).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        var framework = Framework.Select(f => f.Key).ToHashSet();

        var unprotected = new List<string>();
        foreach (var endpoint in Discover())
        {
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) continue;
            var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            if (authorize.Count > 0 && authorize.All(a => a.Policy is { } p && policies.Contains(p))) continue;
            if (authorize.Count == 0 && framework.Contains(Key(endpoint))) continue;
            unprotected.Add($"{Key(endpoint)} ({endpoint.DisplayName}): " + (authorize.Count == 0
                ? "no [Authorize(Policy = Policies.…)] and no [AllowAnonymous]"
                : $"policies [{string.Join(", ", authorize.Select(a => a.Policy ?? "(none)"))}] are not all from Policies"));
        }

        Assert.True(unprotected.Count == 0,
            "Endpoints that rely on no explicit decision (name a policy from Policies, or AllowAnonymous):\n" + string.Join('\n', unprotected));
    }

    [Fact]
    public void Matrix_CoversEveryDiscoveredEndpoint()
    {
        var discovered = Discover().Select(Key).ToHashSet();
        var listed = Matrix.Select(r => r.Key).Concat(Framework.Select(f => f.Key)).ToHashSet();

        var missing = discovered.Except(listed).Order().ToList();
        var stale = listed.Except(discovered).Order().ToList();

        Assert.True(missing.Count == 0 && stale.Count == 0,
            (missing.Count > 0 ? $"Endpoints missing from the access matrix, add them to the matrix: {string.Join(", ", missing)}\n" : "")
            + (stale.Count > 0 ? $"Matrix rows for endpoints that no longer exist: {string.Join(", ", stale)}" : ""));
    }

    [Fact]
    public async Task Matrix_EachCallerOnEachEndpoint_GetsTheExpectedAnswer()
    {
        var endpoints = Discover().ToDictionary(Key);
        using var http = Client();
        var callers = await SignInAllAsync(http);

        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var row in Matrix)
        {
            if (!endpoints.TryGetValue(row.Key, out var endpoint)) continue; // reported by Matrix_CoversEveryDiscoveredEndpoint
            var url = Url(endpoint) + row.Query;
            for (var i = 0; i < Callers.Length; i++)
            {
                using var response = await SendAsync(http, callers[i], row.Method, url);
                var actual = Classify(row, response);
                checkedCount++;
                if (actual != row.Expected[i])
                    failures.Add($"{Callers[i],-22} {row.Method} {url}: expected {Describe(row, row.Expected[i])}, got {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        Assert.Equal(Matrix.Length * Callers.Length, checkedCount);
        Assert.True(failures.Count == 0, $"{failures.Count} answers differ from the access matrix:\n{string.Join('\n', failures)}");
    }

    [Fact]
    public async Task FrameworkEndpoints_Anonymous_AreRejectedByTheFallbackPolicy()
    {
        using var http = Client();
        var commander = await CallerAsync(http, "commander");

        var failures = new List<string>();
        foreach (var endpoint in Framework)
        {
            using var anonymous = await SendAsync(http, new Caller(CookieSession.Anonymous, null), endpoint.Method, endpoint.Url);
            if (!IsLoginRedirect(anonymous))
                failures.Add($"anonymous {endpoint.Method} {endpoint.Url}: expected 302 to /login, got {(int)anonymous.StatusCode} {anonymous.Headers.Location}");

            // The same request signed in gets past authorization (whatever the hub then says about the request itself).
            using var signedIn = await SendAsync(http, commander, endpoint.Method, endpoint.Url);
            if (IsLoginRedirect(signedIn) || signedIn.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                failures.Add($"commander {endpoint.Method} {endpoint.Url}: expected to pass authorization, got {(int)signedIn.StatusCode} {signedIn.Headers.Location}");
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [InlineData("liaison-" + InScope)]
    [InlineData("street-" + DemoAccounts.StreetUnit)]
    public async Task DistrictPage_OtherDistrict_IsForbiddenForDistrictBoundAccounts(string userName)
    {
        using var http = Client();
        var caller = await CallerAsync(http, userName);

        using var own = await SendAsync(http, caller, "GET", $"/city/district/{InScope}");
        using var other = await SendAsync(http, caller, "GET", $"/city/district/{OutOfScope}");
        using var otherStreets = await SendAsync(http, caller, "GET", $"/api/v1/org/districts/{OutOfScope}/streets");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Contains("id=\"access-denied\"", await other.Content.ReadAsStringAsync());
        Assert.DoesNotContain("西城区", await other.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, otherStreets.StatusCode);
    }

    [Fact]
    public async Task DistrictPage_OtherDistrict_IsAllowedForCityWideAccounts()
    {
        using var http = Client();
        var commander = await CallerAsync(http, "commander");

        using var other = await SendAsync(http, commander, "GET", $"/city/district/{OutOfScope}");

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains("西城区", await other.Content.ReadAsStringAsync());
    }

    private IEnumerable<RouteEndpoint> Discover() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    private static string Key(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
        return $"{(methods is { Count: > 0 } ? string.Join(',', methods) : "*")} {endpoint.RoutePattern.RawText}";
    }

    private static string Url(RouteEndpoint endpoint) =>
        "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => RouteValues.TryGetValue(parameter.Name, out var value)
                ? value
                : throw new InvalidOperationException($"No sample value for route parameter {{{parameter.Name}}} of {endpoint.RoutePattern.RawText}: add one to RouteValues."),
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"Unexpected route part in {endpoint.RoutePattern.RawText}."),
        }))));

    private HttpClient Client() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private async Task<Caller[]> SignInAllAsync(HttpClient http)
    {
        var callers = new Caller[Callers.Length];
        for (var i = 0; i < Callers.Length; i++)
            callers[i] = await CallerAsync(http, Callers[i]);
        return callers;
    }

    private async Task<Caller> CallerAsync(HttpClient http, string name)
    {
        switch (name)
        {
            case "anonymous":
                return new(CookieSession.Anonymous, null);
            case "wall":
                return new(await CookieSession.DeviceSignInAsync(http), null);
            case "api-client":
                var admin = factory.Services.GetRequiredService<IdentityAdminService>();
                var issued = await admin.CreateApiClientAsync(Actor.System, $"matrix-{Guid.NewGuid():N}"[..20], null, 100_000, null);
                return new(CookieSession.Anonymous, issued.Secret);
            default:
                return new(await CookieSession.SignInAsync(http, name), null);
        }
    }

    /// <summary>POSTs are forms: they carry a valid antiforgery token for the caller, so only authorization can refuse them.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Caller caller, string method, string url)
    {
        var token = method == "POST" ? await caller.Session.GetFormTokenAsync(http) : null;
        using var request = caller.Session.Request(new HttpMethod(method), url);
        if (caller.ApiKey is { } key) request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        if (token is not null)
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        return await http.SendAsync(request);
    }

    private static char Classify(MatrixRow row, HttpResponseMessage response)
    {
        var location = response.Headers.Location?.OriginalString;
        if ((int)response.StatusCode == row.SuccessStatus && (row.SuccessLocation is null || location == row.SuccessLocation)) return 'A';
        if (row.IsApi)
            return response.StatusCode switch { HttpStatusCode.Unauthorized => 'L', HttpStatusCode.Forbidden => 'F', _ => '?' };
        if (IsLoginRedirect(response)) return 'L';
        if (response.StatusCode == HttpStatusCode.Redirect && PathOf(location) == "/access-denied") return 'F';
        return '?';
    }

    private static bool IsLoginRedirect(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect && PathOf(response.Headers.Location?.OriginalString) == "/login"
        && response.Headers.Location!.OriginalString.Contains("returnUrl=", StringComparison.Ordinal);

    private static string? PathOf(string? location) =>
        location is null ? null : new Uri(new Uri("http://localhost"), location).AbsolutePath;

    private static string Describe(MatrixRow row, char expected) => expected switch
    {
        'A' => $"allowed ({row.SuccessStatus}{(row.SuccessLocation is null ? "" : " to " + row.SuccessLocation)})",
        'L' => row.IsApi ? "401" : "302 to /login?returnUrl=…",
        'F' => row.IsApi ? "403" : "302 to /access-denied",
        _ => expected.ToString(),
    };

    private static MatrixRow Page(string request, string success, string expected) => MatrixRow.Parse(request, success, expected, isApi: false);

    private static MatrixRow Api(string request, string success, string expected) => MatrixRow.Parse(request, success, expected, isApi: true);

    private sealed record Caller(CookieSession Session, string? ApiKey);

    private sealed record FrameworkEndpoint(string Key, string Method, string Url);

    private sealed record MatrixRow(string Key, string Method, string Query, int SuccessStatus, string? SuccessLocation, string Expected, bool IsApi)
    {
        public static MatrixRow Parse(string request, string success, string expected, bool isApi)
        {
            var (methods, target) = (request.Split(' ', 2)[0], request.Split(' ', 2)[1]);
            var queryAt = target.IndexOf('?');
            var pattern = queryAt < 0 ? target : target[..queryAt];
            var cells = new StringBuilder();
            foreach (var cell in expected.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                cells.Append(cell is "A" or "L" or "F" ? cell[0] : throw new ArgumentException($"Unknown cell '{cell}' in {request}"));
            if (cells.Length != Callers.Length)
                throw new ArgumentException($"{request} has {cells.Length} cells for {Callers.Length} callers.");
            var answer = success.Split(' ', 2);
            return new($"{methods} {pattern}", methods == "*" ? "GET" : methods.Split(',')[0], queryAt < 0 ? "" : target[queryAt..],
                int.Parse(answer[0]), answer.Length > 1 ? answer[1] : null, cells.ToString(), isApi);
        }
    }
}
