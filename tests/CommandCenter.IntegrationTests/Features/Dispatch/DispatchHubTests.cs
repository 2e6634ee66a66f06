using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Testing;
using CommandCenter.Web.Features.Dispatch;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Dispatch;

/// <summary>
/// The dispatch hub through real SignalR clients (long polling into the in-memory server), signed in as demo liaisons.
/// The class shares one app and database, so each test works in districts of its own.
/// </summary>
public sealed class DispatchHubTests(DispatchApp app) : IClassFixture<DispatchApp>
{
    [Fact]
    public async Task Delivery_OrderIssuedToOwnDistrict_IsPushedWithItsSeqAndNotToOtherDistricts()
    {
        await using var a = await app.ConnectAsync("110101");
        await using var b = await app.ConnectAsync("110102");

        var forA = await app.IssueAsync("110101");
        var pushed = await a.NextAsync(m => m.OrderId == forA.Id);
        var forB = await app.IssueAsync("110102");
        await b.NextAsync(m => m.OrderId == forB.Id);

        Assert.Equal(("issued", forA.Number, "110101", "sent"), (pushed.Kind, pushed.Number, pushed.Target.DistrictAdcode, pushed.Target.State));
        var stored = Assert.Single(await a.ResumeAsync(pushed.Seq - 1), m => m.Seq == pushed.Seq);
        Assert.Equal(forA.Id, stored.OrderId);
        // Pushes reach each connection in order: had A's order gone to B, it would have arrived before B's own.
        Assert.DoesNotContain(b.Seen, m => m.OrderId == forA.Id);
    }

    [Fact]
    public async Task Resume_AfterMissedDeliveries_ReturnsEveryOneInOrderWithoutGaps()
    {
        long lastSeq;
        await using (var first = await app.ConnectAsync("110105"))
        {
            var seen = await app.IssueAsync("110105");
            lastSeq = (await first.NextAsync(m => m.OrderId == seen.Id)).Seq;
        }

        var missed = new[] { await app.IssueAsync("110105"), await app.IssueAsync("110105"), await app.IssueAsync("110105") };
        await app.Dispatch.RecallAsync(DispatchApp.Commander, DispatchApp.CommanderActor, missed[1].Id);

        await using var again = await app.ConnectAsync("110105");
        var resumed = await again.ResumeAsync(lastSeq);

        Assert.Equal(Enumerable.Range(1, 4).Select(i => lastSeq + i), resumed.Select(m => m.Seq));
        Assert.Equal(
            [(missed[0].Id, "issued"), (missed[1].Id, "issued"), (missed[2].Id, "issued"), (missed[1].Id, "recalled")],
            resumed.Select(m => (m.OrderId, m.Kind)));
        Assert.Equal("recalled", resumed[^1].Target.State);

        var next = await app.IssueAsync("110105");
        Assert.Equal(lastSeq + 5, (await again.NextAsync(m => m.OrderId == next.Id)).Seq);
    }

    [Fact]
    public async Task Acknowledge_Twice_IsOneAcknowledgment()
    {
        var order = await app.IssueAsync("110106");
        var targetId = order.Targets.Single().Id;
        await using var liaison = await app.ConnectAsync("110106");

        var acks = await Task.WhenAll(
            liaison.Connection.InvokeAsync<TargetMessage>(nameof(DispatchHub.Acknowledge), targetId, "收到，马上处置"),
            liaison.Connection.InvokeAsync<TargetMessage>(nameof(DispatchHub.Acknowledge), targetId, "收到，马上处置"));

        Assert.All(acks, t => Assert.Equal(("acknowledged", "liaison-110106"), (t.State, t.AcknowledgedBy)));
        Assert.Equal(acks[0].AcknowledgedAt, acks[1].AcknowledgedAt);
        await using var conn = await app.OpenDatabaseAsync();
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>(
            "select count(*) from order_audit where target_id = @targetId and action = 'acknowledged'", new { targetId }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("commander")]
    [InlineData("street-110101001")]
    public async Task Connect_WithoutALiaisonSession_IsRefused(string? userName)
    {
        await using var connection = await app.BuildConnectionAsync(userName);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        // Negotiation is refused by authorization with a bare status a district system can act on, not a redirect.
        Assert.Equal(userName is null ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task Actions_OnAnotherDistrictsTarget_AreRefusedWithHubException()
    {
        var order = await app.IssueAsync("110107");
        var targetId = order.Targets.Single().Id;
        await using var other = await app.ConnectAsync("110108");
        var hub = other.Connection;

        var refusals = new[]
        {
            await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync(nameof(DispatchHub.Received), targetId)),
            await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Acknowledge), targetId, (string?)null)),
            await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Progress), targetId, "已到场", Guid.NewGuid())),
            await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Complete), targetId, "已办结", Guid.NewGuid())),
        };
        // A target that does not exist is refused alike: the answer does not reveal which ids exist.
        var unknown = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Acknowledge), 999_999_999L, (string?)null));

        Assert.All(refusals, e => Assert.Contains("not addressed to this account's district", e.Message));
        Assert.Contains("not addressed to this account's district", unknown.Message);
        Assert.Equal(TargetState.Sent, (await app.Dispatch.GetAsync(DispatchApp.Commander, order.Id))!.Targets.Single().State);
        Assert.DoesNotContain(await other.ResumeAsync(0), m => m.OrderId == order.Id);
    }

    [Fact]
    public async Task Lifecycle_ReceivedAcknowledgedProgressCompleted_RepeatsAreSafeAndStateErrorsAreHubExceptions()
    {
        var order = await app.IssueAsync("110109");
        var targetId = order.Targets.Single().Id;
        await using var liaison = await app.ConnectAsync("110109");
        var hub = liaison.Connection;
        var (progressKey, completeKey) = (Guid.NewGuid(), Guid.NewGuid());

        await hub.InvokeAsync(nameof(DispatchHub.Received), targetId);
        var early = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Progress), targetId, "已到场", progressKey));
        var emptyKey = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Progress), targetId, "已到场", Guid.Empty));
        var delivered = (await app.Dispatch.GetAsync(DispatchApp.Commander, order.Id))!.Targets.Single().State;
        await hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Acknowledge), targetId, (string?)null);
        var progress = await hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Progress), targetId, "已到场", progressKey);
        await hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Progress), targetId, "已到场", progressKey);
        var blank = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Complete), targetId, " ", completeKey));
        var done = await hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Complete), targetId, "路灯已修复", completeKey);
        var repeat = await hub.InvokeAsync<TargetMessage>(nameof(DispatchHub.Complete), targetId, "路灯已修复", completeKey);

        Assert.Equal(TargetState.Delivered, delivered);
        // SignalR prefixes a HubException's message with which method failed; the reason is the text after "HubException: ".
        Assert.EndsWith("HubException: Acknowledge the order first.", early.Message);
        Assert.Contains("requestKey", emptyKey.Message);
        Assert.Contains("The report must be", blank.Message);
        Assert.Equal(("in-progress", "completed", "completed"), (progress.State, done.State, repeat.State));
        Assert.Equal(OrderStatus.Completed, (await app.Dispatch.GetAsync(DispatchApp.Commander, order.Id))!.Status);
        Assert.Equal(["progress", "completed"], (await app.Dispatch.ProgressAsync(DispatchApp.Commander, order.Id)).Select(p => p.Kind));
    }

    [Fact]
    public async Task Resume_OnTheWire_IsCamelCaseJsonWithKebabCodes()
    {
        var order = await app.IssueAsync("110111");
        await using var liaison = await app.ConnectAsync("110111");

        var wire = await liaison.Connection.InvokeAsync<JsonElement>(nameof(DispatchHub.Resume), 0L);

        var delivery = Assert.Single(wire.EnumerateArray());
        Assert.Equal(
            ["seq", "kind", "at", "orderId", "number", "priority", "instruction", "issuedAt", "ackDueAt", "deadlineAt", "target"],
            delivery.EnumerateObject().Select(p => p.Name));
        var target = delivery.GetProperty("target");
        Assert.Equal(
            ["targetId", "orderId", "districtAdcode", "leadDepartment", "supportDepartments", "streetCodes", "state", "acknowledgedAt", "acknowledgedBy", "escalations", "updatedAt"],
            target.EnumerateObject().Select(p => p.Name));
        Assert.Equal((order.Id, "issued", "normal", "sent"),
            (delivery.GetProperty("orderId").GetInt64(), delivery.GetProperty("kind").GetString(), delivery.GetProperty("priority").GetString(), target.GetProperty("state").GetString()));
    }
}

/// <summary>The whole app in memory against its own database, in demo mode (the liaison accounts), with hub clients.</summary>
/// <summary>The hub on an app whose clock the test moves: escalation is run by the leader's job on that clock.</summary>
public sealed class DispatchHubEscalationTests(DispatchAppOnTestClock app) : IClassFixture<DispatchAppOnTestClock>
{
    [Fact]
    public async Task Escalation_NotAcknowledgedWithinItsSla_IsPushedToTheDistrictUntilAcknowledged()
    {
        var order = await app.IssueAsync("110107"); // normal priority: 60 minutes to acknowledge
        await using var liaison = await app.ConnectAsync("110107");

        app.Clock.Advance(TimeSpan.FromMinutes(61));
        var escalated = await liaison.NextAsync(m => m.OrderId == order.Id && m.Kind == "escalated");
        await liaison.Connection.InvokeAsync<TargetMessage>(nameof(DispatchHub.Acknowledge), escalated.Target.TargetId, (string?)null);
        app.Clock.Advance(TimeSpan.FromMinutes(10)); // past the re-notify interval: nothing more once acknowledged
        var later = await app.IssueAsync("110107");
        var next = await liaison.NextAsync(m => m.OrderId == later.Id);

        Assert.Equal(1, escalated.Target.Escalations);
        Assert.DoesNotContain(liaison.Seen, m => m.OrderId == order.Id && m.Kind == "escalated" && m.Seq != escalated.Seq);
        Assert.Equal(escalated.Seq + 1, next.Seq);
    }
}

public sealed class DispatchAppOnTestClock : DispatchApp
{
    public DispatchAppOnTestClock() : base(new FakeTimeProvider(DateTimeOffset.UtcNow)) { }
}

public class DispatchApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly FakeTimeProvider? clock;

    public DispatchApp() { }

    protected DispatchApp(FakeTimeProvider clock) => this.clock = clock;

    /// <summary>The app's clock, when the test moves it.</summary>
    public FakeTimeProvider Clock => clock ?? throw new InvalidOperationException("This app runs on the system clock.");

    public static readonly AccessScope Commander = AccessScope.For(Roles.Commander);
    public static readonly Actor CommanderActor = new("commander");

    private readonly TestDatabase database = new();

    public DispatchService Dispatch => Services.GetRequiredService<DispatchService>();

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        _ = Server;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await database.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(RepoPaths.Root);
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:CommandCenter", database.ConnectionString);
        builder.UseSetting("CommandCenter:Demo", "true");
        builder.UseSetting("Simulator:Enabled", "false");
        if (clock is not null) builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
    }

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var conn = new NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    /// <summary>A plain order to the given districts, issued by the commander through Core.</summary>
    public async Task<Order> IssueAsync(params string[] districts) =>
        (await Dispatch.IssueAsync(Commander, CommanderActor, new NewOrder(
            OrderPriority.Normal, DateTimeOffset.UtcNow.AddDays(1),
            districts.Select(d => new NewTarget(d, "city-management", [], [])).ToList(), OrderSource.None, "请核查并处置。"))).Order;

    /// <summary>A connected liaison client of the district that has resumed from 0, as a client does on connect.</summary>
    public async Task<LiaisonClient> ConnectAsync(string district)
    {
        var connection = await BuildConnectionAsync($"liaison-{district}");
        var client = new LiaisonClient(connection);
        await connection.StartAsync();
        // The first invocation runs after OnConnectedAsync: from here on, the connection is in its district's group.
        await client.ResumeAsync(0);
        return client;
    }

    /// <summary>A hub connection signed in as <paramref name="userName"/> (null: anonymous), not yet started.</summary>
    public async Task<HubConnection> BuildConnectionAsync(string? userName)
    {
        using var http = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var session = userName is null ? CookieSession.Anonymous : await CookieSession.SignInAsync(http, userName);
        return new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, "hubs/dispatch"), HttpTransportType.LongPolling, o =>
            {
                o.HttpMessageHandlerFactory = _ => Server.CreateHandler();
                if (session.Cookies.Count > 0) o.Headers["Cookie"] = string.Join("; ", session.Cookies.Select(c => $"{c.Key}={c.Value}"));
            })
            .Build();
    }
}

/// <summary>A liaison's hub connection and every delivery pushed to it.</summary>
public sealed class LiaisonClient : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly Channel<DeliveryMessage> inbox = Channel.CreateUnbounded<DeliveryMessage>();
    private readonly List<DeliveryMessage> seen = [];

    public LiaisonClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<DeliveryMessage>(nameof(IDispatchClient.Delivery), m => inbox.Writer.TryWrite(m));
    }

    public HubConnection Connection { get; }

    /// <summary>Pushes taken so far by <see cref="NextAsync"/>.</summary>
    public IReadOnlyList<DeliveryMessage> Seen => seen;

    public Task<IReadOnlyList<DeliveryMessage>> ResumeAsync(long afterSeq) =>
        Connection.InvokeAsync<IReadOnlyList<DeliveryMessage>>(nameof(DispatchHub.Resume), afterSeq);

    /// <summary>The next pushed delivery that matches, recording every push up to it.</summary>
    public async Task<DeliveryMessage> NextAsync(Func<DeliveryMessage, bool> match)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var message = await inbox.Reader.ReadAsync(timeout.Token);
            seen.Add(message);
            if (match(message)) return message;
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
