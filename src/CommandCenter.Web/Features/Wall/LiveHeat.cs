using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Components.Map;

namespace CommandCenter.Web.Features.Wall;

/// <summary>
/// The heatmap of a live page (wall or console): fetched from <see cref="SituationState"/> on the page's timer, turned
/// into map points only when the cells changed, and stamped with when it was last fetched.
/// </summary>
public sealed class LiveHeat(SituationState state, CityClock clock)
{
    private IReadOnlyList<HeatCell>? cells;

    public MapHeat? Heat { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>When the map panel's data was last current: the older of the heat and the snapshot's shading.</summary>
    public DateTimeOffset MapUpdatedAt(DateTimeOffset snapshotAsOf) => UpdatedAt < snapshotAsOf ? UpdatedAt : snapshotAsOf;

    public async Task RefreshAsync(HeatWindow window, IReadOnlyCollection<string>? serviceCodes, CancellationToken ct)
    {
        var next = await state.HeatAsync(window, serviceCodes, ct);
        UpdatedAt = clock.UtcNow;
        if (ReferenceEquals(next, cells)) return;
        cells = next;
        Heat = SituationVisuals.Heat(next);
    }
}
