using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Intake;
using CommandCenter.E2E.Features.Identity;
using Dapper;
using Npgsql;
using Xunit.Abstractions;

namespace CommandCenter.E2E.Features.Intake;

/// <summary>
/// 12,000 malformed intake requests against the real app (8,000 Open311, 4,000 readings): every one is refused with
/// a 4xx in its protocol's error body (Open311's JSON or XML; problem+json for readings), none is a 5xx, and nothing
/// of them reaches the database.
/// </summary>
[Collection(DemoAppCollection.Name)]
public sealed class IntakeFuzzTests(DemoAppFixture app, ITestOutputHelper output)
{
    private const int Requests = 8_000;
    private const int ReadingRequests = 4_000;
    private static readonly string Huge = new('漫', 1_000_000 / 3);
    private static readonly string[] Payloads =
    [
        "noise'; drop table incident; --", "<script>alert(1)</script>", "\" onmouseover=\"alert(1)", "${jndi:ldap://x}", "../../etc/passwd",
        "1 OR 1=1", "%00", "\u202Egnp.exe", "", "   ",
    ];

    [Fact]
    public async Task MalformedRequests_AllRefusedInTheSpecsFormat_NoneIsA5xx_NothingStored()
    {
        var valid = (await app.Admin.CreateApiClientAsync(Actor.System, $"fuzz-{Guid.NewGuid():N}", null, 100_000, null)).Secret;
        var revoked = await app.Admin.CreateApiClientAsync(Actor.System, $"fuzz-revoked-{Guid.NewGuid():N}", null, 100_000, null);
        await app.Admin.RevokeApiClientAsync(Actor.System, revoked.Item.Id);
        var before = await CountsAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = app.BaseUri, Timeout = TimeSpan.FromSeconds(60) };

        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var random = new Random(311 + i);
            using var request = Malformed(random, valid, revoked.Secret, out var what);
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status is not (400 or 403 or 404 or 405 or 413 or 415 or 429) || !IsSpecError(request.RequestUri!.AbsolutePath, status, body))
                failures.Add($"{what}: {status} {body[..Math.Min(body.Length, 200)]}");
        });

        output.WriteLine($"{Requests:N0} malformed requests: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value:N0}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} answers were not a 4xx in the spec's error format:\n{string.Join('\n', failures.Take(20))}\n{AppErrors()}");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task MalformedReadings_AllRefusedAsProblems_NoneIsA5xx_NothingStored()
    {
        var valid = (await app.Admin.CreateApiClientAsync(Actor.System, $"fuzz-sensors-{Guid.NewGuid():N}", null, 100_000, null)).Secret;
        var before = await CountsAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = app.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        var now = DateTimeOffset.UtcNow;

        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, ReadingRequests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var random = new Random(7 + i);
            using var request = MalformedReadings(random, valid, now, out var what);
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status is not (400 or 401 or 403 or 413 or 415 or 429) || !IsProblem(status, body))
                failures.Add($"{what}: {status} {body[..Math.Min(body.Length, 200)]}");
        });

        output.WriteLine($"{ReadingRequests:N0} malformed reading batches: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value:N0}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} answers were not a 4xx problem:\n{string.Join('\n', failures.Take(20))}\n{AppErrors()}");
        Assert.Equal(before, await CountsAsync());
    }

    /// <summary>What the app logged about the first failures, so a 5xx says why.</summary>
    private string AppErrors() =>
        "App log:\n" + string.Join('\n', app.App.Output.Split('\n').Where(l => l.Contains("Exception", StringComparison.Ordinal)).Take(3).Select(l => l[..Math.Min(l.Length, 1500)]));

    private async Task<(long Incidents, long Timeline, long Readings)> CountsAsync()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        return await conn.QuerySingleAsync<(long, long, long)>("""
            select (select count(*) from incident where source = 'open311'),
                   (select count(*) from incident_timeline t join incident i on i.id = t.incident_id where i.source = 'open311'),
                   -- The risk engine stores its derived indicators as readings of a system feed, every minute.
                   (select count(*) from reading r join api_client c on c.id = r.feed_id where c.name not like 'system:%')
            """);
    }

    private static bool IsProblem(int status, string body)
    {
        if (status is 413) return true; // Kestrel's own answer to an oversized body
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            return problem.GetProperty("status").GetInt32() == status && problem.TryGetProperty("title", out _);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return false;
        }
    }

    /// <summary>A batch with at least one bad row (or a bad envelope, key or content type); the good rows around it must not be stored either.</summary>
    private static HttpRequestMessage MalformedReadings(Random r, string key, DateTimeOffset now, out string what)
    {
        string Row(string indicator = "waterlogging-depth", string? district = "\"110101\"", string? at = null, string value = "12.5") =>
            $"{{\"indicator\":\"{indicator}\"{(district is null ? "" : $",\"district\":{district}")},\"at\":{at ?? $"\"{now.AddMinutes(-1):O}\""},\"value\":{value}}}";
        var rows = Enumerable.Range(0, r.Next(1, 20)).Select(_ => Row()).ToList();
        var defect = r.Next(14);
        if (defect == 11 && r.Next(10) != 0) defect = 0; // a batch over the limit is ~1 MB: a few of them are enough
        var bad = defect switch
        {
            0 => Row(value: Pick(r, ["\"NaN\"", "\"Infinity\"", "1e999", "-1e999", "null", "\"12\"", "true", "[1]"])),
            1 => Row(at: $"\"{now.AddDays(r.Next(1, 4000)):O}\""),
            2 => Row(at: Pick(r, ["\"2026-11-27T10:00:00\"", "\"yesterday\"", "12345", "null", "\"0001-01-01T00:00:00Z\"", $"\"{now.AddDays(-40):O}\""])),
            3 => Row(indicator: Pick(r, ["no-such-indicator", "'; drop table reading; --", "<script>", "", "\\u0000"])),
            4 => Row(district: Pick(r, ["\"999999\"", "\"110101; drop\"", "110101", "null", "\"\""])),
            5 => Row(indicator: "power-load"), // city-wide, with a district
            6 => Row(indicator: Pick(r, ["hotline-surge", "overdue-ratio", "unacknowledged-orders"]), district: null),
            7 => Row(value: Pick(r, ["-1", "501", "1e300", "-0.5"])),
            8 => Row().Replace("}", ",\"valeu\":1}"),
            9 => Pick(r, ["42", "\"text\"", "null", "[]"]),
            _ => null,
        };
        if (bad is not null) rows.Insert(r.Next(rows.Count + 1), bad);
        var body = defect switch
        {
            10 => Pick(r, ["{", "{\"readings\":", "[]", "{\"readings\":{}}", "{\"readings\":[]}", "\"readings\"", "{\"rows\":[]}", ""]),
            11 => "{\"readings\":[" + string.Join(",", Enumerable.Repeat(Row(), ReadingService.MaxBatch + 1)) + "]}",
            _ => "{\"readings\":[" + string.Join(",", rows) + "]}",
        };
        what = $"readings defect {defect}";
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/readings")
        {
            Content = new StringContent(body, Encoding.UTF8, defect == 12 ? Pick(r, ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) : "application/json"),
        };
        if (defect == 13) { if (r.Next(2) == 0) request.Headers.Add("X-Api-Key", "cck_" + r.Next()); }
        else request.Headers.Add("X-Api-Key", key);
        return request;
    }

    /// <summary>405 (a method the route lacks) and 413/415 come from the framework; everything else must be the spec's body in the URL's format.</summary>
    private static bool IsSpecError(string path, int status, string body)
    {
        if (status is 405 or 413 or 415) return true;
        try
        {
            if (path.EndsWith(".xml", StringComparison.Ordinal))
            {
                var error = XDocument.Parse(body).Root!;
                return error.Name == "errors" && error.Element("error")?.Element("code")?.Value == status.ToString()
                    && !string.IsNullOrWhiteSpace(error.Element("error")?.Element("description")?.Value);
            }
            var json = JsonDocument.Parse(body).RootElement[0];
            return json.GetProperty("code").GetInt32() == status && !string.IsNullOrWhiteSpace(json.GetProperty("description").GetString());
        }
        catch (Exception e) when (e is JsonException or System.Xml.XmlException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>A request with at least one defect that alone must make the API refuse it.</summary>
    private static HttpRequestMessage Malformed(Random r, string key, string revokedKey, out string what)
    {
        var format = r.Next(2) == 0 ? "json" : "xml";
        if (r.Next(4) == 0) return MalformedGet(r, key, format, out what);

        var fields = new Dictionary<string, string>
        {
            ["api_key"] = key, ["service_code"] = "streetlight-out", ["lat"] = "39.904", ["long"] = "116.4075", ["description"] = "路灯不亮",
        };
        var defect = r.Next(16);
        switch (defect)
        {
            case 0: fields.Remove("api_key"); break;
            case 1: fields["api_key"] = revokedKey; break;
            case 2: fields["api_key"] = Pick(r, Payloads) + r.Next(); break;
            case 3: fields["service_code"] = Pick(r, [.. Payloads, "x" + r.Next(), Huge[..r.Next(1, 300)]]); break;
            case 4: fields["lat"] = Pick(r, ["NaN", "Infinity", "-Infinity", "1e999", "abc", "91", "-90.5", "39,9", "0x27", Pick(r, Payloads)]); break;
            case 5: fields["long"] = Pick(r, ["NaN", "181", "-181", "１１６", "116.4.1", Pick(r, Payloads)]); fields.Remove(r.Next(2) == 0 ? "lat" : "x"); break;
            case 6: (fields["lat"], fields["long"]) = Pick(r, [("31.2304", "121.4737"), ("0", "0"), ("-33.86", "151.21"), ("40.9", "117.9"), ("39.0", "115.0")]); break;
            case 7: fields["description"] = r.Next(20) == 0 ? Huge : new string('长', 4001 + r.Next(5000)); break;
            case 8: fields["attribute[" + Pick(r, ["depth", "x", "1;drop", "<b>"]) + "]"] = Pick(r, Payloads); break;
            case 9: fields["service_code"] = "waterlogging"; if (r.Next(2) == 0) fields["attribute[depth]"] = Pick(r, ["ocean", "", "knee,waist", "ANKLE"]); break;
            case 10: fields["datum"] = Pick(r, ["bd09", "GCJ", "wgs-84", Pick(r, Payloads) + "x"]); break;
            case 11: fields["client_request_key"] = Pick(r, ["a b", "<script>", new string('k', 65), "键"]); break;
            case 12: fields[Pick(r, ["email", "media_url"])] = Pick(r, ["not-an-email", "javascript:alert(1)", "ftp://x/y", new string('@', 300)]); break;
            case 13: fields.Remove("lat"); fields.Remove("long"); if (r.Next(2) == 0) fields["address_string"] = Pick(r, [.. Payloads, "火星基地"]) + "x"; break;
            case 14: fields.Remove("service_code"); break;
            default: fields["first_name"] = new string('名', 51 + r.Next(100)); break;
        }
        what = $"POST .{format} defect {defect}";
        var request = new HttpRequestMessage(HttpMethod.Post, $"open311/v2/requests.{format}");
        var form = string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        switch (r.Next(12))
        {
            case 0: // invalid UTF-8 and NUL, percent-encoded and raw
                form = form.Replace("description=", "description=" + Pick(r, ["%FF%FE", "%C3%28", "%ED%A0%80", "%00", "%F0%28%8C%BC"]));
                what += " + invalid bytes";
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(form)) { Headers = { { "Content-Type", "application/x-www-form-urlencoded" } } };
                break;
            case 1:
                request.Content = new StringContent(JsonSerializer.Serialize(fields), Encoding.UTF8, "application/json");
                what += " as JSON";
                break;
            default:
                request.Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
                break;
        }
        return request;
    }

    private static HttpRequestMessage MalformedGet(Random r, string key, string format, out string what)
    {
        var k = "api_key=" + Uri.EscapeDataString(key);
        var path = r.Next(9) switch
        {
            0 => $"requests.{format}?{k}&service_request_id={Uri.EscapeDataString(Pick(r, [.. Payloads, "-1", "0", "1.5", string.Join(",", Enumerable.Range(1, 101))]) + "x")}",
            1 => $"requests.{format}?{k}&start_date={Uri.EscapeDataString(Pick(r, ["yesterday", "2026-13-01", "0000-00-00", "2026-11-01T25:00:00Z"]))}",
            2 => $"requests.{format}?{k}&start_date=2026-01-01T00:00:00Z&end_date=2026-{r.Next(5, 13):00}-01T00:00:00Z",
            3 => $"requests.{format}?{k}&status={Uri.EscapeDataString(Pick(r, ["pending", "OPEN;", "1", Pick(r, Payloads) + "z"]))}",
            4 => $"requests.{format}?{k}&service_code={Uri.EscapeDataString(Pick(r, Payloads) + r.Next())}",
            5 => $"tokens/{Uri.EscapeDataString(Pick(r, ["none", "1:abc", "%00x", "..%2F..%2Fetc"]) + r.Next())}.{format}?{k}",
            6 => $"requests/{Uri.EscapeDataString(Pick(r, ["abc", "-5", "99999999999", "1,2"]) + r.Next(9))}.{format}?{k}",
            7 => $"services/{Uri.EscapeDataString("no-such-" + r.Next())}.{format}",
            _ => $"requests.{format}?{(r.Next(2) == 0 ? "" : "api_key=cck_" + r.Next())}",
        };
        what = "GET " + path[..Math.Min(path.Length, 80)];
        return new HttpRequestMessage(HttpMethod.Get, "open311/v2/" + path);
    }

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];
}
