using System.Globalization;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Features.Rollups;

/// <summary>
/// The square grid rollups count in: cells of <see cref="CellMetres"/> at the city's latitude, numbered
/// floor(lon·Kx), floor(lat·Ky). The SQL that fills rollup_cell gets Kx and Ky from here, so C# and SQL agree.
/// </summary>
public sealed record RollupGrid(double CellMetres, double ReferenceLatitude)
{
    private const double MetresPerDegreeLat = 111_320;

    public double Kx { get; } = MetresPerDegreeLat * Math.Cos(ReferenceLatitude * Math.PI / 180) / CellMetres;

    public double Ky { get; } = MetresPerDegreeLat / CellMetres;

    /// <summary>Names the grid in rollup_state; rollups built on another grid are rebuilt.</summary>
    public string Signature => string.Create(CultureInfo.InvariantCulture, $"{CellMetres}m@{ReferenceLatitude:0.###}");

    public GridCell CellOf(GeoPoint p) => new((int)Math.Floor(p.Lon * Kx), (int)Math.Floor(p.Lat * Ky));

    public GeoPoint CentreOf(GridCell cell) => new((cell.X + 0.5) / Kx, (cell.Y + 0.5) / Ky);
}

public readonly record struct GridCell(int X, int Y);
