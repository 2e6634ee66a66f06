using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Features.Rollups;

/// <summary>Incidents reported in one grid cell over a window; <see cref="Centre"/> is where to draw it.</summary>
public sealed record HeatCell(GridCell Cell, GeoPoint Centre, int Count);

public sealed record CategoryCount(string ServiceCode, int Count);

public sealed record BucketCount(DateTimeOffset Start, int Count);

/// <summary>How the three rates are broken down. <see cref="Street"/> counts only street units the source supplied.</summary>
public enum RateGroup { City, District, Street, Department }

/// <summary>
/// Where the rollups stand, readable from any node. <see cref="PendingEvents"/> are committed events not yet
/// counted; <see cref="Lag"/> is how long the oldest of them has waited (zero when none).
/// </summary>
public sealed record RollupStatus(BusCursor Cursor, DateTimeOffset? EventAt, DateTimeOffset? UpdatedAt, long PendingEvents, TimeSpan Lag);

/// <summary>Commit → counted, over the last events the leader counted.</summary>
public sealed record RollupLag(int Samples, TimeSpan P50, TimeSpan P99, TimeSpan Max);
