using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.E2E.Features.Identity;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommandCenter.E2E.Features.Intake;

/// <summary>Open311 GeoReport v2 against the real app, in JSON and XML, checked against the spec's field lists.</summary>
[Collection(DemoAppCollection.Name)]
public sealed class Open311Tests(DemoAppFixture app) : IDisposable
{
    private static readonly string[] RequestFields =
    [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible", "service_notice",
        "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
    ];
    private static readonly string[] ServiceFields = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"];
    private static readonly GeoPoint Dongcheng = new(116.4075, 39.9040);

    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => http.Dispose();

    private async Task<string> KeyAsync(int ratePerMinute = 6000) =>
        (await app.Admin.CreateApiClientAsync(Actor.System, $"open311-{Guid.NewGuid():N}", "city-management", ratePerMinute, null)).Secret;

    private Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(new Uri(app.BaseUri, "open311/v2/" + path));

    private Task<HttpResponseMessage> PostAsync(string format, string? key, params (string Name, string Value)[] fields)
    {
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        if (key is not null) form.Add(new("api_key", key));
        return http.PostAsync(new Uri(app.BaseUri, $"open311/v2/requests.{format}"), new FormUrlEncodedContent(form));
    }

    private static (string, string)[] Streetlight(GeoPoint at, string description = "东华门大街路灯不亮") =>
        [("service_code", "streetlight-out"), ("lat", at.Lat.ToString("R")), ("long", at.Lon.ToString("R")), ("description", description)];

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<XElement> XmlAsync(HttpResponseMessage response)
    {
        Assert.StartsWith("text/xml", response.Content.Headers.ContentType?.MediaType);
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string format, string? containing = null)
    {
        Assert.Equal(status, response.StatusCode);
        string description;
        if (format == "xml")
        {
            var root = await XmlAsync(response);
            Assert.Equal("errors", root.Name.LocalName);
            var error = Assert.Single(root.Elements("error"));
            Assert.Equal(((int)status).ToString(), error.Element("code")!.Value);
            description = error.Element("description")!.Value;
        }
        else
        {
            var error = Assert.Single((await JsonAsync(response)).EnumerateArray());
            Assert.Equal((int)status, error.GetProperty("code").GetInt32());
            description = error.GetProperty("description").GetString()!;
        }
        Assert.False(string.IsNullOrWhiteSpace(description));
        if (containing is not null) Assert.Contains(containing, description);
    }

    private async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        return (await conn.ExecuteScalarAsync<T>(sql, args))!;
    }

    [Fact]
    public async Task Discovery_JsonAndXml_NameTheEndpointAndBothFormats()
    {
        var json = await JsonAsync(await GetAsync("discovery.json"));
        var xml = await XmlAsync(await GetAsync("discovery.xml"));

        var endpoint = Assert.Single(json.GetProperty("endpoints").EnumerateArray());
        Assert.EndsWith("/open311/v2", endpoint.GetProperty("url").GetString());
        Assert.Equal(["application/json", "text/xml"], endpoint.GetProperty("formats").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("discovery", xml.Name.LocalName);
        Assert.Equal(["application/json", "text/xml"], xml.Element("endpoints")!.Element("endpoint")!.Element("formats")!.Elements("format").Select(f => f.Value));
    }

    [Fact]
    public async Task Services_JsonAndXml_EveryCategoryWithTheSpecsFields()
    {
        var categories = await ScalarAsync<long>("select count(*) from category");

        var json = (await JsonAsync(await GetAsync("services.json"))).EnumerateArray().ToList();
        var xml = (await XmlAsync(await GetAsync("services.xml"))).Elements("service").ToList();

        Assert.Equal(categories, json.Count);
        Assert.Equal(categories, xml.Count);
        foreach (var field in ServiceFields)
        {
            Assert.All(json, s => Assert.True(s.TryGetProperty(field, out _), field));
            Assert.All(xml, s => Assert.NotNull(s.Element(field)));
        }
        Assert.True(json.Single(s => s.GetProperty("service_code").GetString() == "waterlogging").GetProperty("metadata").GetBoolean());
        Assert.Equal("路灯不亮", xml.Single(s => s.Element("service_code")!.Value == "streetlight-out").Element("service_name")!.Value);
    }

    [Fact]
    public async Task ServiceDefinition_JsonAndXml_ListsAttributesWithValues_UnknownCodeIs404()
    {
        var json = await JsonAsync(await GetAsync("services/waterlogging.json"));
        var xml = await XmlAsync(await GetAsync("services/waterlogging.xml"));

        Assert.Equal("waterlogging", json.GetProperty("service_code").GetString());
        var depth = json.GetProperty("attributes").EnumerateArray().First();
        Assert.Equal(("depth", "singlevaluelist", true), (depth.GetProperty("code").GetString(), depth.GetProperty("datatype").GetString(), depth.GetProperty("required").GetBoolean()));
        Assert.Equal(["ankle", "knee", "waist"], depth.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("key").GetString()));
        Assert.Equal("service_definition", xml.Name.LocalName);
        Assert.Equal(["ankle", "knee", "waist"], xml.Element("attributes")!.Elements("attribute").First().Element("values")!.Elements("value").Select(v => v.Element("key")!.Value));
        await AssertErrorAsync(await GetAsync("services/no-such-service.json"), HttpStatusCode.NotFound, "json");
        await AssertErrorAsync(await GetAsync("services/no-such-service.xml"), HttpStatusCode.NotFound, "xml");
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task PostRequest_CreatesAnIncidentThatGetAndTokenReturnWithEverySpecField(string format)
    {
        var key = await KeyAsync();

        using var posted = await PostAsync(format, key, Streetlight(Dongcheng, $"路灯不亮 {format} <b>不是标记</b>"));

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        string id, token;
        if (format == "xml")
        {
            var request = (await XmlAsync(posted)).Element("request")!;
            (id, token) = (request.Element("service_request_id")!.Value, request.Element("token")!.Value);
        }
        else
        {
            var request = (await JsonAsync(posted)).EnumerateArray().Single();
            (id, token) = (request.GetProperty("service_request_id").GetString()!, request.GetProperty("token").GetString()!);
        }
        Assert.Equal(("open311", "110101", "assigned"), (await ScalarAsync<string>("select source from incident where id = @id", new { id = long.Parse(id) }),
            await ScalarAsync<string>("select district_adcode from incident where id = @id", new { id = long.Parse(id) }),
            await ScalarAsync<string>("select status from incident where id = @id", new { id = long.Parse(id) })));

        using var one = await GetAsync($"requests/{id}.{format}");
        using var byToken = await GetAsync($"tokens/{Uri.EscapeDataString(token)}.{format}?api_key={Uri.EscapeDataString(key)}");
        Assert.Equal(HttpStatusCode.Forbidden, one.StatusCode); // requests carry citizens' words: an API key is needed
        using var withKey = await GetAsync($"requests/{id}.{format}?api_key={Uri.EscapeDataString(key)}");
        if (format == "xml")
        {
            var request = Assert.Single((await XmlAsync(withKey)).Elements("request"));
            Assert.Equal(RequestFields, request.Elements().Select(e => e.Name.LocalName));
            Assert.Equal(("open", "streetlight-out"), (request.Element("status")!.Value, request.Element("service_code")!.Value));
            Assert.Contains("<b>不是标记</b>", request.Element("description")!.Value);
            Assert.EndsWith("+08:00", request.Element("requested_datetime")!.Value);
            Assert.Equal(id, (await XmlAsync(byToken)).Element("request")!.Element("service_request_id")!.Value);
        }
        else
        {
            var request = Assert.Single((await JsonAsync(withKey)).EnumerateArray());
            Assert.Equal(RequestFields, request.EnumerateObject().Select(p => p.Name));
            Assert.Equal(Dongcheng.Lat, request.GetProperty("lat").GetDouble(), 5);
            Assert.Equal(Dongcheng.Lon, request.GetProperty("long").GetDouble(), 5);
            Assert.EndsWith("+08:00", request.GetProperty("expected_datetime").GetString());
            Assert.Equal(id, (await JsonAsync(byToken)).EnumerateArray().Single().GetProperty("service_request_id").GetString());
        }
    }

    [Fact]
    public async Task PostRequest_SameClientRequestKeyTwice_CreatesOneIncident()
    {
        var key = await KeyAsync();
        var requestKey = $"app-{Guid.NewGuid():N}";

        var first = (await JsonAsync(await PostAsync("json", key, [.. Streetlight(Dongcheng), ("client_request_key", requestKey)]))).EnumerateArray().Single();
        var second = (await JsonAsync(await PostAsync("json", key, [.. Streetlight(Dongcheng), ("client_request_key", requestKey)]))).EnumerateArray().Single();

        Assert.Equal(first.GetProperty("service_request_id").GetString(), second.GetProperty("service_request_id").GetString());
        Assert.Equal(1L, await ScalarAsync<long>("select count(*) from incident where source = 'open311' and source_ref like @suffix", new { suffix = $"%:{requestKey}" }));
    }

    [Fact]
    public async Task PostRequest_Gcj02Declared_IsConvertedAndLandsInTheRightDistrict()
    {
        // A point where reading the GCJ-02 coordinates as WGS84 would put the request in the neighbouring district.
        await using var core = CoreServices.Create(app.ConnectionString);
        var locator = core.GetRequiredService<IncidentLocator>();
        string District(GeoPoint p) => locator.Locate(p) is LocationResult.Located l ? l.DistrictAdcode : "";
        var wgs = Enumerable.Range(0, 2000).Select(i => new GeoPoint(116.25 + i * 0.0002, 39.905))
            .First(p => District(p) is { Length: 6 } d && District(Gcj02.FromWgs84(p)) is { Length: 6 } shifted && d != shifted);
        var gcj = Gcj02.FromWgs84(wgs);

        var created = (await JsonAsync(await PostAsync("json", await KeyAsync(),
            ("service_code", "road-damage"), ("lat", gcj.Lat.ToString("R")), ("long", gcj.Lon.ToString("R")), ("datum", "gcj02"), ("description", "路面塌陷"))))
            .EnumerateArray().Single();

        var id = long.Parse(created.GetProperty("service_request_id").GetString()!);
        Assert.Equal(District(wgs), await ScalarAsync<string>("select district_adcode from incident where id = @id", new { id }));
        Assert.Equal(wgs.Lon, await ScalarAsync<double>("select lon from incident where id = @id", new { id }), 5);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task PostRequest_BadInput_GetsTheSpecsErrorAndStoresNothing(string format)
    {
        var key = await KeyAsync();
        var before = await ScalarAsync<long>("select count(*) from incident where source = 'open311'");

        await AssertErrorAsync(await PostAsync(format, null, Streetlight(Dongcheng)), HttpStatusCode.Forbidden, format, "api_key");
        await AssertErrorAsync(await PostAsync(format, "cck_not-a-key", Streetlight(Dongcheng)), HttpStatusCode.Forbidden, format);
        await AssertErrorAsync(await PostAsync(format, key, ("service_code", "no-such-service"), ("lat", "39.9"), ("long", "116.4")), HttpStatusCode.BadRequest, format, "service_code");
        await AssertErrorAsync(await PostAsync(format, key, ("service_code", "noise"), ("lat", "NaN"), ("long", "116.4")), HttpStatusCode.BadRequest, format, "lat");
        await AssertErrorAsync(await PostAsync(format, key, ("service_code", "noise"), ("lat", "91"), ("long", "116.4")), HttpStatusCode.BadRequest, format, "lat");
        await AssertErrorAsync(await PostAsync(format, key, Streetlight(new GeoPoint(121.47, 31.23))), HttpStatusCode.BadRequest, format); // Shanghai
        await AssertErrorAsync(await PostAsync(format, key, Streetlight(Dongcheng, new string('长', 4001))), HttpStatusCode.BadRequest, format, "4000");
        await AssertErrorAsync(await PostAsync(format, key, ("service_code", "waterlogging"), ("lat", "39.9"), ("long", "116.4")), HttpStatusCode.BadRequest, format, "depth");
        await AssertErrorAsync(await PostAsync(format, key, ("service_code", "waterlogging"), ("lat", "39.9"), ("long", "116.4"), ("attribute[depth]", "ocean")),
            HttpStatusCode.BadRequest, format, "depth");
        await AssertErrorAsync(await PostAsync(format, key, ("service_code", "noise"), ("address_string", "月球背面")), HttpStatusCode.BadRequest, format, "address_string");

        Assert.Equal(before, await ScalarAsync<long>("select count(*) from incident where source = 'open311'"));
    }

    [Fact]
    public async Task PostRequest_AttributesAndAnAddressNamingAStreet_AreStored()
    {
        var created = (await JsonAsync(await PostAsync("json", await KeyAsync(),
            ("service_code", "waterlogging"), ("address_string", "北京市东城区东华门街道南池子大街"), ("attribute[depth]", "knee"), ("attribute[vehicles_stranded]", "2"))))
            .EnumerateArray().Single();

        var id = long.Parse(created.GetProperty("service_request_id").GetString()!);
        Assert.Equal("110101", await ScalarAsync<string>("select district_adcode from incident where id = @id", new { id }));
        Assert.Equal("supplied", await ScalarAsync<string>("select street_source from incident where id = @id", new { id }));
        Assert.Equal("knee", await ScalarAsync<string>("select attributes->'depth'->>0 from incident where id = @id", new { id }));
    }

    [Fact]
    public async Task GetRequests_FiltersAndTheirLimits()
    {
        var key = await KeyAsync();
        var a = (await JsonAsync(await PostAsync("json", key, Streetlight(Dongcheng)))).EnumerateArray().Single().GetProperty("service_request_id").GetString();
        var b = (await JsonAsync(await PostAsync("json", key, ("service_code", "noise"), ("lat", "39.904"), ("long", "116.4075")))).EnumerateArray().Single()
            .GetProperty("service_request_id").GetString();
        string K(string query) => $"{query}&api_key={Uri.EscapeDataString(key)}";

        var both = (await JsonAsync(await GetAsync(K($"requests.json?service_request_id={a},{b}")))).EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString());
        var noise = (await JsonAsync(await GetAsync(K("requests.json?service_code=noise&status=open")))).EnumerateArray().ToList();
        var xml = (await XmlAsync(await GetAsync(K("requests.xml?service_code=noise")))).Elements("request").ToList();

        Assert.Equal([b, a], both); // newest first
        Assert.Contains(noise, r => r.GetProperty("service_request_id").GetString() == b);
        Assert.All(noise, r => Assert.Equal(("noise", "open"), (r.GetProperty("service_code").GetString(), r.GetProperty("status").GetString())));
        Assert.Contains(xml, r => r.Element("service_request_id")!.Value == b);
        await AssertErrorAsync(await GetAsync(K("requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z")), HttpStatusCode.BadRequest, "json", "90 days");
        await AssertErrorAsync(await GetAsync(K("requests.xml?status=pending")), HttpStatusCode.BadRequest, "xml", "status");
        await AssertErrorAsync(await GetAsync(K("requests.json?start_date=yesterday")), HttpStatusCode.BadRequest, "json", "start_date");
        await AssertErrorAsync(await GetAsync(K("requests.json?service_request_id=1;drop table incident")), HttpStatusCode.BadRequest, "json");
        await AssertErrorAsync(await GetAsync(K("requests/999999999.json?x=1")), HttpStatusCode.NotFound, "json");
        await AssertErrorAsync(await GetAsync(K("requests.csv?x=1")), HttpStatusCode.NotFound, "json", "format");
    }

    [Fact]
    public async Task Flood_FromOneClient_Gets429WithRetryAfterInTheSpecsFormat()
    {
        var key = await KeyAsync(ratePerMinute: 3);
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++) answers.Add(await GetAsync($"requests.xml?api_key={Uri.EscapeDataString(key)}"));

        Assert.Equal(3, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = answers.Last();
        Assert.NotNull(refused.Headers.RetryAfter);
        await AssertErrorAsync(refused, HttpStatusCode.TooManyRequests, "xml");
        foreach (var r in answers) r.Dispose();
    }
}
