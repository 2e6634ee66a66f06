using System.Collections.Concurrent;
using System.Threading.Channels;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Org;
using Microsoft.AspNetCore.SignalR;

namespace CommandCenter.Web.Features.Dispatch;

/// <summary>
/// Pushes each district's new deliveries to that district's hub group on this node, in seq order. Woken by
/// "order.changed" on the event bus, so it only ever reads what has committed. At least once: a push that fails
/// is retried, and clients drop a seq they have seen and call <see cref="DispatchHub.Resume"/> on (re)connect.
/// </summary>
public sealed class DispatchPusher(
    EventBus bus, DispatchStore store, OrgStore org, IHubContext<DispatchHub, IDispatchClient> hub, ILogger<DispatchPusher> logger)
    : BackgroundService
{
    private const int Page = 500;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    // One pending wake-up is enough: each pass reads every district's new deliveries.
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private ConcurrentDictionary<string, long> pushed = new();
    private IDisposable? subscription;

    /// <summary>Starts from the current numbers before the server accepts connections: clients get older deliveries from Resume.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = bus.Subscribe(events =>
        {
            if (events.Any(e => e.Kind == BusKinds.OrderChanged)) wake.Writer.TryWrite(true);
        });
        // Every district, so a pass is one read of what is new after each district's number (no counter read first).
        var last = await store.LastSeqsAsync(cancellationToken);
        pushed = new ConcurrentDictionary<string, long>(
            (await org.ListDistrictsAsync(cancellationToken)).ToDictionary(d => d.Adcode, d => last.GetValueOrDefault(d.Adcode)));
        await base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        subscription?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in wake.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await PushAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Pushing dispatch deliveries failed; retrying");
                    await Task.Delay(RetryDelay, stoppingToken);
                    wake.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One read for every district with new deliveries, then each district's group is sent its deliveries in order,
    /// all districts at once: a joint order to 16 districts reaches the last one as soon as the first.
    /// </summary>
    private async Task PushAsync(CancellationToken ct)
    {
        while (true)
        {
            var page = await store.DeliveriesAfterAsync(new Dictionary<string, long>(pushed), Page, ct);
            if (page.Count == 0) return;
            await Task.WhenAll(page.GroupBy(d => d.DistrictAdcode).Select(async deliveries =>
            {
                var group = hub.Clients.Group(DispatchGroups.District(deliveries.Key));
                foreach (var delivery in deliveries)
                {
                    await group.Delivery(DeliveryMessage.From(delivery));
                    // Advanced per message: a failure re-sends only from the first message not yet handed over.
                    pushed[deliveries.Key] = delivery.Seq;
                }
            }));
            if (page.Count < Page) return;
        }
    }
}
