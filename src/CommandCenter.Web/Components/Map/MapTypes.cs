namespace CommandCenter.Web.Components.Map;

/// <summary>What the map draws: district outlines from a GeoJSON URL, labelled and shaded per district.</summary>
/// <param name="GeoJsonUrl">A FeatureCollection whose feature ids are district adcodes (WGS84).</param>
/// <param name="Labels">adcode → label text (plain text, never HTML).</param>
/// <param name="Values">adcode → value for the shading; districts without a value are drawn unshaded.</param>
/// <param name="Dark">Draw for a dark background (wall theme).</param>
/// <param name="Focus">A district to zoom to and highlight; the others are drawn faint.</param>
/// <param name="Points">Point markers (e.g. street units) with plain-text tooltips.</param>
public sealed record MapLayers(string GeoJsonUrl, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, double> Values, bool Dark,
    string? Focus = null, IReadOnlyList<MapPoint>? Points = null);

public sealed record MapPoint(double Lon, double Lat, string Label);

/// <summary>Initial view and optional tiles (none by default: no tile server is assumed).</summary>
/// <param name="Interactive">False for unattended screens: no zoom buttons, no dragging, and the outlines are refitted
/// whenever the map changes size.</param>
public sealed record MapView(double[] Center, double Zoom, string? TileUrl, bool Interactive = true);

/// <summary>A heatmap layer (leaflet.heat): one weighted point per key. The component sends the browser only what changed.</summary>
public sealed record MapHeat(IReadOnlyList<HeatPoint> Points);

/// <param name="Key">Identifies the point across updates (e.g. a grid cell).</param>
public sealed record HeatPoint(string Key, double Lon, double Lat, double Weight);

/// <summary>A click inside a district's outline, and how many metres a pixel spans there at the current zoom.</summary>
public sealed record MapClick(string DistrictAdcode, double Lon, double Lat, double MetresPerPixel);

/// <summary>A popup of plain text at a point, with an optional link of ours (never user text) under it.</summary>
public sealed record MapPopup(double Lon, double Lat, string Title, IReadOnlyList<MapPopupLine> Lines, string? LinkText = null, string? LinkHref = null);

public sealed record MapPopupLine(string Head, string Text);

/// <summary>A labelled marker (e.g. a red alert) drawn above the heat; <paramref name="Kind"/> picks its colour (cc-marker--red).</summary>
public sealed record MapMarker(string Key, double Lon, double Lat, string Text, string Kind);
