namespace CommandCenter.Core.Features.Org;

/// <summary>Kind of a street-level unit (街道乡镇). Stored as kebab-case text.</summary>
public enum StreetUnitKind
{
    /// <summary>街道 — urban subdistrict office.</summary>
    Subdistrict,
    /// <summary>地区 — area office (Beijing's mixed urban-rural units).</summary>
    Area,
    /// <summary>镇 — town.</summary>
    Town,
    /// <summary>乡 (incl. 民族乡) — township.</summary>
    Township,
    /// <summary>Development zones, airports and other special units.</summary>
    SpecialZone,
}
