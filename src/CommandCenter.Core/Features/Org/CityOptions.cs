using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Core.Features.Org;

/// <summary>The city this deployment serves (section "City").</summary>
public sealed class CityOptions
{
    public const string Section = "City";

    /// <summary>IANA zone for display and for every day/month bucket.</summary>
    [Required] public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Folder with the generated city pack, relative to the content root.</summary>
    [Required] public string PackDirectory { get; set; } = "wwwroot/geo";

    /// <summary>Initial map view: [lon, lat] and zoom.</summary>
    public double[] MapCenter { get; set; } = [116.42, 40.19];
    public double MapZoom { get; set; } = 8;

    /// <summary>Optional raster tile URL template; none by default (the map works with outlines alone).</summary>
    public string? TileUrl { get; set; }
}
