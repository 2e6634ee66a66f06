namespace CommandCenter.Core.Features.Org.Geo;

/// <summary>Classifies street-level units by their Chinese name and maps <see cref="StreetUnitKind"/> to its stored kebab-case code.</summary>
public static class StreetUnitKinds
{
    /// <summary>The kind implied by the name's suffix; names with none of the four suffixes are special zones.</summary>
    public static StreetUnitKind Classify(string nameZh)
    {
        ArgumentNullException.ThrowIfNull(nameZh);
        if (nameZh.EndsWith("街道", StringComparison.Ordinal))
            return StreetUnitKind.Subdistrict;
        if (nameZh.EndsWith("地区", StringComparison.Ordinal))
            return StreetUnitKind.Area;
        if (nameZh.EndsWith('镇'))
            return StreetUnitKind.Town;
        if (nameZh.EndsWith('乡'))
            return StreetUnitKind.Township;
        return StreetUnitKind.SpecialZone;
    }

    /// <summary>subdistrict, area, town, township or special-zone.</summary>
    public static string ToCode(StreetUnitKind kind) => kind switch
    {
        StreetUnitKind.Subdistrict => "subdistrict",
        StreetUnitKind.Area => "area",
        StreetUnitKind.Town => "town",
        StreetUnitKind.Township => "township",
        StreetUnitKind.SpecialZone => "special-zone",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown street unit kind."),
    };

    /// <summary>The inverse of <see cref="ToCode"/>.</summary>
    /// <exception cref="FormatException">The code is not one of the five kebab-case codes.</exception>
    public static StreetUnitKind Parse(string code) => code switch
    {
        "subdistrict" => StreetUnitKind.Subdistrict,
        "area" => StreetUnitKind.Area,
        "town" => StreetUnitKind.Town,
        "township" => StreetUnitKind.Township,
        "special-zone" => StreetUnitKind.SpecialZone,
        _ => throw new FormatException($"Unknown street unit kind '{code}'."),
    };
}
