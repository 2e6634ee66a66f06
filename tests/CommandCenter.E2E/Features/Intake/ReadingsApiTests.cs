using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Intake;
using CommandCenter.E2E.Features.Identity;
using Dapper;
using Npgsql;

namespace CommandCenter.E2E.Features.Intake;

/// <summary>POST /api/v1/readings against the real app: batches stored whole or refused whole, with every bad row named.</summary>
[Collection(DemoAppCollection.Name)]
public sealed class ReadingsApiTests(DemoAppFixture app) : IDisposable
{
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose() => http.Dispose();

    private async Task<(long Id, string Key)> FeedAsync()
    {
        var client = await app.Admin.CreateApiClientAsync(Actor.System, $"sensors-{Guid.NewGuid():N}", "beijing-drainage", 6000, null);
        return (client.Item.Id, client.Secret);
    }

    private Task<HttpResponseMessage> PostAsync(string? key, string body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app.BaseUri, "api/v1/readings")) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return http.SendAsync(request);
    }

    private static string Batch(params object[] rows) => JsonSerializer.Serialize(new { readings = rows });

    private static string Ago(int minutes) => DateTimeOffset.UtcNow.AddMinutes(-minutes).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:sszzz");

    private async Task<long> ReadingsAsync(long feedId)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        return await conn.ExecuteScalarAsync<long>("select count(*) from reading where feed_id = @feedId", new { feedId });
    }

    [Fact]
    public async Task ValidBatch_IsStoredAndTheFeedsLastReceivedTimeIsKept()
    {
        var (id, key) = await FeedAsync();

        using var response = await PostAsync(key, Batch(
            new { indicator = "waterlogging-depth", district = "110101", at = Ago(2), value = 32.5 },
            new { indicator = "waterlogging-depth", district = "110105", at = Ago(1), value = 8 },
            new { indicator = "power-load", at = Ago(1), value = 91.2 }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("stored").GetInt32());
        Assert.Equal(3L, await ReadingsAsync(id));
        Assert.NotNull((await app.Admin.ListApiClientsAsync()).Single(c => c.Id == id).LastUsedAt);
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        Assert.NotNull(await conn.ExecuteScalarAsync<DateTime?>("select last_received_at from api_client where id = @id", new { id }));
    }

    [Fact]
    public async Task BadRows_RefuseTheWholeBatchAndNameEachRowAndWhy()
    {
        var (id, key) = await FeedAsync();
        var future = DateTimeOffset.UtcNow.AddDays(2).ToString("O");

        using var response = await PostAsync(key, $$"""
            {"readings": [
              {"indicator": "waterlogging-depth", "district": "110101", "at": "{{Ago(1)}}", "value": 12},
              {"indicator": "waterlogging-depth", "district": "110101", "at": "{{Ago(1)}}", "value": "NaN"},
              {"indicator": "waterlogging-depth", "district": "110101", "at": "{{future}}", "value": 12},
              {"indicator": "no-such-indicator", "district": "110101", "at": "{{Ago(1)}}", "value": 12},
              {"indicator": "waterlogging-depth", "district": "999999", "at": "{{Ago(1)}}", "value": 12},
              {"indicator": "power-load", "district": "110101", "at": "{{Ago(1)}}", "value": 80},
              {"indicator": "hotline-surge", "at": "{{Ago(1)}}", "value": 2},
              {"indicator": "waterlogging-depth", "district": "110101", "at": "{{Ago(1)}}", "value": 9999},
              {"indicator": "waterlogging-depth", "district": "110101", "at": "2026-11-27T10:00:00", "value": 12},
              {"indicator": "waterlogging-depth", "district": "110101", "at": "{{Ago(1)}}", "value": 1e999}
            ]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(1, "value"), (2, "at"), (3, "indicator"), (4, "district"), (5, "district"), (6, "indicator"), (7, "value"), (8, "at"), (9, "value")], errors);
        Assert.Equal(0L, await ReadingsAsync(id)); // the good first row is not stored either
    }

    [Fact]
    public async Task BatchOfTenThousand_IsStored_OneMoreIsRefused()
    {
        var (id, key) = await FeedAsync();
        var rows = Enumerable.Range(0, ReadingService.MaxBatch).Select(i => (object)new { indicator = "road-congestion", district = "110108", at = Ago(i % 600), value = i % 10 }).ToArray();

        var watch = Stopwatch.StartNew();
        using var stored = await PostAsync(key, Batch(rows));
        var elapsed = watch.Elapsed;
        using var tooMany = await PostAsync(key, Batch([.. rows, rows[0]]));

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal((long)ReadingService.MaxBatch, await ReadingsAsync(id));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Console.WriteLine($"10,000 readings stored in {elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task NoKeyWrongTypeOrBrokenJson_AreRefusedClearly()
    {
        var (_, key) = await FeedAsync();

        using var noKey = await PostAsync(null, Batch());
        using var badKey = await PostAsync("cck_not-a-key", Batch());
        using var form = await PostAsync(key, "readings=1", "application/x-www-form-urlencoded");
        using var broken = await PostAsync(key, "{\"readings\": [");
        using var empty = await PostAsync(key, Batch());

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, badKey.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("not valid JSON", await broken.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }
}
