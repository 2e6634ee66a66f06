using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Features.Identity;

namespace CommandCenter.Web.Features.Intake;

/// <summary>
/// Open311 GeoReport v2 under <c>/open311/v2/</c>, in JSON and XML (the URL's extension). Discovery, services and
/// service definitions are public; requests and tokens need an API key (<c>api_key</c>), because requests carry
/// citizens' own words. Errors use the spec's body and its 400 / 403 / 404 (and 429 with Retry-After for a flood).
/// Extensions: <c>client_request_key</c> (a repeated POST with the same key answers with the first request) and
/// <c>datum=gcj02</c> (coordinates from Chinese web maps, converted on entry).
/// </summary>
public static class Open311Api
{
    public const string Prefix = "/open311/v2";
    private const string Changeset = "2026-11-27T00:00:00+08:00";

    public static void MapOpen311(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup(Prefix).AllowAnonymous();
        open.MapGet("/discovery.{format}", DiscoveryAsync);
        open.MapGet("/services.{format}", ServicesAsync);
        open.MapGet("/services/{code}.{format}", DefinitionAsync);
        var clients = app.MapGroup(Prefix).RequireAuthorization(Policies.Intake).RequireRateLimiting(IdentityRegistration.ApiRateLimit).DisableAntiforgery();
        clients.MapPost("/requests.{format}", CreateAsync);
        clients.MapGet("/requests.{format}", QueryAsync);
        clients.MapGet("/requests/{id}.{format}", GetAsync);
        clients.MapGet("/tokens/{token}.{format}", TokenAsync);
    }

    public static bool IsOpen311(HttpContext http) => http.Request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);

    private static Task<IResult> DiscoveryAsync(string format, HttpContext http, CityClock clock) => RunAsync(format, () =>
    {
        var endpoint = new Open311Fields
        {
            { "specification", "http://wiki.open311.org/GeoReport_v2" },
            { "url", $"{http.Request.Scheme}://{http.Request.Host}{Prefix}" },
            { "changeset", Changeset },
            { "type", "production" },
            { "formats", new Open311List("format", ["application/json", "text/xml"]) },
        };
        return Task.FromResult(Open311Format.Answer(format, "discovery", new Open311Fields
        {
            { "changeset", Changeset },
            { "contact", "城市运行指挥中心 12345 热线数据接入" },
            { "key_service", "API keys are issued by the command center's administrators (/admin)." },
            { "endpoints", new Open311List("endpoint", [endpoint]) },
        }, clock.Zone));
    });

    private static Task<IResult> ServicesAsync(string format, Open311Service open311, OrgService org, CityClock clock, CancellationToken ct) => RunAsync(format, async () =>
    {
        var departments = (await org.ListDepartmentsAsync(ct)).ToDictionary(d => d.Code);
        var withAttributes = (await open311.AttributesAsync(ct)).Select(a => a.ServiceCode).ToHashSet();
        var services = (await open311.ServicesAsync(ct)).Select(c => (object?)new Open311Fields
        {
            { "service_code", c.ServiceCode }, { "service_name", c.NameZh }, { "description", $"{c.NameZh}（{c.NameEn}）" },
            { "metadata", withAttributes.Contains(c.ServiceCode) }, { "type", "realtime" }, { "keywords", c.NameEn },
            { "group", departments.TryGetValue(c.LeadDepartment, out var d) ? d.ShortZh : c.LeadDepartment },
        }).ToList();
        return Open311Format.Answer(format, "services", new Open311List("service", services), clock.Zone);
    });

    private static Task<IResult> DefinitionAsync(string code, string format, Open311Service open311, CityClock clock, CancellationToken ct) => RunAsync(format, async () =>
    {
        var (service, attributes) = await open311.DefinitionAsync(code, ct);
        var list = attributes.Select(a => (object?)new Open311Fields
        {
            { "variable", true }, { "code", a.Code }, { "datatype", a.Datatype }, { "required", a.Required },
            { "datatype_description", a.DescriptionEn }, { "order", a.Order }, { "description", a.DescriptionZh },
            { "values", new Open311List("value", a.Values.Select(v => (object?)new Open311Fields { { "key", v.Key }, { "name", v.NameZh } }).ToList()) },
        }).ToList();
        return Open311Format.Answer(format, "service_definition",
            new Open311Fields { { "service_code", service.ServiceCode }, { "attributes", new Open311List("attribute", list) } }, clock.Zone);
    });

    private static Task<IResult> CreateAsync(string format, HttpContext http, Open311Service open311, CityClock clock, CancellationToken ct) => RunAsync(format, async () =>
    {
        if (!http.Request.HasFormContentType)
            throw new Open311Exception(400, "Send the request as application/x-www-form-urlencoded.");
        IFormCollection form;
        try { form = await http.Request.ReadFormAsync(ct); }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            throw new Open311Exception(400, "The form body could not be read.");
        }
        string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        var attributes = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (key, values) in form)
        {
            if (!key.StartsWith("attribute[", StringComparison.Ordinal)) continue;
            var code = key["attribute[".Length..].Replace("[]", "").TrimEnd(']');
            attributes[code] = [.. attributes.GetValueOrDefault(code) ?? [], .. values.Where(v => v is not null).Select(v => v!)];
        }
        var created = await open311.CreateAsync(http.User.IdOf() ?? 0, http.User.Identity?.Name ?? "api", new Open311Post(
            Field("service_code"), Field("lat"), Field("long"), Field("address_string"), Field("description"), Field("first_name"), Field("last_name"),
            Field("phone"), Field("email"), Field("media_url"), Field("datum"), Field("client_request_key"), attributes), ct);
        return Open311Format.Answer(format, "service_requests", new Open311List("request",
        [
            new Open311Fields
            {
                { "service_request_id", created.ServiceRequestId.ToString() }, { "token", created.Token },
                { "service_notice", created.ServiceNotice }, { "account_id", null },
            },
        ]), clock.Zone, StatusCodes.Status201Created);
    });

    private static Task<IResult> QueryAsync(string format, HttpRequest request, Open311Service open311, CityClock clock, CancellationToken ct) => RunAsync(format, async () =>
    {
        string? Q(string name) => request.Query.TryGetValue(name, out var v) ? v.ToString() : null;
        var found = await open311.QueryAsync(new Open311Query(Q("service_request_id"), Q("service_code"), Q("start_date"), Q("end_date"), Q("status")), ct);
        return Requests(format, found, clock);
    });

    private static Task<IResult> GetAsync(string id, string format, Open311Service open311, CityClock clock, CancellationToken ct) => RunAsync(format, async () =>
        Requests(format, [await open311.GetAsync(id, ct)], clock));

    private static Task<IResult> TokenAsync(string token, string format, Open311Service open311, CityClock clock, CancellationToken ct) => RunAsync(format, async () =>
    {
        var id = await open311.TokenAsync(token, ct);
        return Open311Format.Answer(format, "service_requests", new Open311List("request",
            [new Open311Fields { { "service_request_id", id.ToString() }, { "token", token } }]), clock.Zone);
    });

    private static IResult Requests(string format, IReadOnlyList<Open311Request> found, CityClock clock) =>
        Open311Format.Answer(format, "service_requests", new Open311List("request", found.Select(r => (object?)new Open311Fields
        {
            { "service_request_id", r.ServiceRequestId.ToString() }, { "status", r.Status }, { "status_notes", r.StatusNotes },
            { "service_name", r.ServiceName }, { "service_code", r.ServiceCode }, { "description", r.Description },
            { "agency_responsible", r.AgencyResponsible }, { "service_notice", r.ServiceNotice },
            { "requested_datetime", r.RequestedDatetime }, { "updated_datetime", r.UpdatedDatetime }, { "expected_datetime", r.ExpectedDatetime },
            { "address", r.Address }, { "address_id", null }, { "zipcode", null }, { "lat", r.Lat }, { "long", r.Long }, { "media_url", null },
        }).ToList()), clock.Zone);

    /// <summary>Unknown formats are 404; refusals become the spec's error body in the asked format.</summary>
    private static async Task<IResult> RunAsync(string format, Func<Task<IResult>> answer)
    {
        if (!Open311Format.IsKnown(format)) return Open311Format.Error(Open311Format.Json, 404, "Unknown format: use .json or .xml.");
        try { return await answer(); }
        catch (Open311Exception e) { return Open311Format.Error(format, e.Status, e.Message); }
    }
}
