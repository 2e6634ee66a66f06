namespace CommandCenter.Core.Features.Intake;

/// <summary>
/// A file format the import knows: its default column mapping, how it writes times, how its complaint types map to our
/// service codes (null: the column already holds our codes or Chinese category names), the namespace of its row ids,
/// and which of its status values mean the work is done.
/// </summary>
public sealed record CsvPreset(
    string Key, IReadOnlyDictionary<CsvField, string> Columns, IReadOnlyList<string> DateFormats,
    IReadOnlyDictionary<string, string>? Categories, IReadOnlyList<string> DoneStatuses);

/// <summary>The presets: our native format, the NYC 311 open-data export and the LA 311 (MyLA311) export.</summary>
public static class CsvPresets
{
    public const string Native = "native";
    public const string Nyc311 = "nyc311";
    public const string La311 = "la311";

    /// <summary>
    /// Our own format, written by hand or by other systems. Times are ISO 8601; without an offset they are city time.
    /// <c>service_code</c> takes our code or the category's Chinese name.
    /// </summary>
    public static readonly CsvPreset NativePreset = new(Native,
        new Dictionary<CsvField, string>
        {
            [CsvField.Ref] = "ref", [CsvField.ServiceCode] = "service_code", [CsvField.Description] = "description",
            [CsvField.Address] = "address", [CsvField.Longitude] = "lon", [CsvField.Latitude] = "lat", [CsvField.StreetCode] = "street_code",
            [CsvField.ReportedAt] = "reported_at", [CsvField.ResolvedAt] = "resolved_at",
            [CsvField.CallerName] = "caller_name", [CsvField.CallerPhone] = "caller_phone",
        },
        ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm"],
        null, []);

    /// <summary>NYC Open Data "311 Service Requests from 2010 to Present" as exported (US dates with AM/PM).</summary>
    public static readonly CsvPreset Nyc311Preset = new(Nyc311,
        new Dictionary<CsvField, string>
        {
            [CsvField.Ref] = "Unique Key", [CsvField.ServiceCode] = "Complaint Type", [CsvField.Description] = "Descriptor",
            [CsvField.Address] = "Incident Address", [CsvField.Longitude] = "Longitude", [CsvField.Latitude] = "Latitude",
            [CsvField.ReportedAt] = "Created Date", [CsvField.ResolvedAt] = "Closed Date", [CsvField.Status] = "Status",
        },
        ["MM/dd/yyyy hh:mm:ss tt", "M/d/yyyy h:mm:ss tt", "M/d/yyyy h:mm tt"],
        Map(new()
        {
            ["heating"] = ["HEAT/HOT WATER", "HEATING"],
            ["illegal-parking"] = ["Illegal Parking", "Blocked Driveway"],
            ["noise"] = ["Noise", "Noise - Residential", "Noise - Street/Sidewalk", "Noise - Vehicle", "Noise - Commercial", "Noise - Park",
                         "Noise - Helicopter", "Noise - House of Worship"],
            ["road-damage"] = ["Street Condition", "Sidewalk Condition", "Curb Condition"],
            ["property-management"] = ["UNSANITARY CONDITION", "PAINT/PLASTER", "PLUMBING", "DOOR/WINDOW", "FLOORING/STAIRS", "GENERAL",
                                       "APPLIANCE", "ELECTRIC", "WATER LEAK", "Elevator", "OUTSIDE BUILDING"],
            ["abandoned-vehicle"] = ["Derelict Vehicles", "Abandoned Vehicle", "Derelict Vehicle"],
            ["traffic-signal"] = ["Traffic Signal Condition"],
            ["garbage"] = ["Dirty Condition", "Illegal Dumping", "Missed Collection", "Rodent", "Residential Disposal Complaint",
                           "Commercial Disposal Complaint", "Dumpster Complaint", "Litter Basket Request"],
            ["water-main"] = ["Water System"],
            ["sewage-overflow"] = ["Sewer"],
            ["streetlight-out"] = ["Street Light Condition"],
            ["construction-safety"] = ["General Construction/Plumbing", "Construction Safety Enforcement"],
            ["illegal-construction"] = ["Building/Use", "Illegal Conversion"],
            ["dust-pollution"] = ["Air Quality"],
            ["tree-hazard"] = ["Damaged Tree", "Dead/Dying Tree", "Overgrown Tree/Branches", "Illegal Tree Damage"],
            ["food-safety"] = ["Food Establishment", "Food Poisoning"],
            ["price-complaint"] = ["Consumer Complaint"],
            ["street-vending"] = ["Vendor Enforcement", "Street Vendor"],
            ["fire-hazard"] = ["Fire Safety Director - F58"],
        }),
        ["Closed"]);

    /// <summary>LA's MyLA311 service request export (short US dates, 24-hour times).</summary>
    public static readonly CsvPreset La311Preset = new(La311,
        new Dictionary<CsvField, string>
        {
            [CsvField.Ref] = "srnumber", [CsvField.ServiceCode] = "requesttype", [CsvField.Address] = "address",
            [CsvField.Longitude] = "longitude", [CsvField.Latitude] = "latitude",
            [CsvField.ReportedAt] = "createddate", [CsvField.ResolvedAt] = "closeddate", [CsvField.Status] = "status",
        },
        ["M/d/yy H:mm", "M/d/yy H:mm:ss", "M/d/yyyy H:mm", "M/d/yyyy H:mm:ss", "M/d/yyyy h:mm:ss tt"],
        Map(new()
        {
            ["garbage"] = ["Bulky Items", "Illegal Dumping Pickup", "Metal/Household Appliances", "Electronic Waste", "Dead Animal Removal"],
            ["streetlight-out"] = ["Single Streetlight Issue", "Multiple Streetlight Issue"],
            ["water-main"] = ["Report Water Waste"],
        }),
        ["Closed"]);

    public static readonly IReadOnlyList<CsvPreset> All = [NativePreset, Nyc311Preset, La311Preset];

    /// <exception cref="CsvImportException">No preset has this key.</exception>
    public static CsvPreset Get(string key)
    {
        if (All.FirstOrDefault(p => p.Key == key) is { } preset) return preset;
        var keys = string.Join(", ", All.Select(p => p.Key));
        throw new CsvImportException(CsvFailure.UnknownPreset, $"Unknown preset '{key}': use {keys}.", key, keys);
    }

    /// <summary>The preset's default mapping for a file: the preset's columns that the header has (others stay unmapped).</summary>
    public static IReadOnlyDictionary<CsvField, string> ColumnsFor(CsvPreset preset, IReadOnlyList<string> headers)
    {
        var set = headers.Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return preset.Columns.Where(c => set.Contains(c.Value)).ToDictionary();
    }

    /// <summary>The preset whose columns the header holds (all of its ref, category, coordinate and time columns), if any.</summary>
    public static string? Detect(IReadOnlyList<string> headers)
    {
        var set = headers.Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        CsvField[] key = [CsvField.ServiceCode, CsvField.Longitude, CsvField.Latitude, CsvField.ReportedAt];
        return All.FirstOrDefault(p => key.All(f => set.Contains(p.Columns[f])))?.Key;
    }

    private static Dictionary<string, string> Map(Dictionary<string, string[]> byCode) =>
        byCode.SelectMany(e => e.Value.Select(foreign => (foreign, e.Key)))
            .ToDictionary(x => x.foreign, x => x.Key, StringComparer.OrdinalIgnoreCase);
}
