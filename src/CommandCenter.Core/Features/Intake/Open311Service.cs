using System.Globalization;
using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Features.Intake;

/// <summary>
/// Open311 GeoReport v2 over our categories and incidents: services and their definitions, requests created
/// through <see cref="IncidentService"/> (located, due, offered to the lead department like any other), and the
/// spec's GET filters with its defaults. Every refusal is an <see cref="Open311Exception"/> with the spec's status.
/// </summary>
public sealed partial class Open311Service(IncidentService incidents, OrgService org, Open311Store store, FeedStore feeds, CityClock clock)
{
    public const int MaxDescription = 4000;
    public const int MaxIds = 100;
    public const int DefaultLimit = 1000;
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(90);

    public Task<IReadOnlyList<Category>> ServicesAsync(CancellationToken ct = default) => org.ListCategoriesAsync(ct);

    private IReadOnlyList<ServiceAttribute>? attributes;

    /// <summary>The service definitions' attributes: reference data from the migrations, read once (every POST checks against them).</summary>
    public async Task<IReadOnlyList<ServiceAttribute>> AttributesAsync(CancellationToken ct = default) => attributes ??= await store.AttributesAsync(ct);

    /// <summary>The service definition's attributes; 404 for an unknown service code.</summary>
    public async Task<(Category Service, IReadOnlyList<ServiceAttribute> Attributes)> DefinitionAsync(string serviceCode, CancellationToken ct = default)
    {
        var service = (await org.ListCategoriesAsync(ct)).FirstOrDefault(c => c.ServiceCode == serviceCode)
            ?? throw new Open311Exception(404, $"No service with service_code '{Clip(serviceCode)}'.");
        return (service, (await AttributesAsync(ct)).Where(a => a.ServiceCode == serviceCode).ToList());
    }

    public async Task<Open311Created> CreateAsync(long clientId, string clientName, Open311Post post, CancellationToken ct = default)
    {
        RequireText(post);
        var (service, attributes) = string.IsNullOrWhiteSpace(post.ServiceCode)
            ? throw new Open311Exception(400, "service_code is required.")
            : await DefinitionOrBadRequestAsync(post.ServiceCode.Trim(), ct);
        var datum = post.Datum?.Trim().ToLowerInvariant() switch
        {
            null or "" or "wgs84" => Datum.Wgs84,
            "gcj02" => Datum.Gcj02,
            _ => throw new Open311Exception(400, "datum must be 'wgs84' or 'gcj02'."),
        };
        var (point, street) = await PlaceAsync(post, ct);
        var description = post.Description?.Trim() is { Length: > 0 } d ? d : service.NameZh;
        if (description.Length > MaxDescription) throw new Open311Exception(400, $"description may hold at most {MaxDescription} characters.");
        var key = post.ClientRequestKey?.Trim() is { Length: > 0 } k
            ? ClientKey().IsMatch(k) ? k : throw new Open311Exception(400, "client_request_key must be 1–64 letters, digits, '.', '_', ':' or '-'.")
            : Guid.NewGuid().ToString("N");
        var name = string.Join(" ", new[] { post.FirstName, post.LastName }.Select(n => n?.Trim()).Where(n => !string.IsNullOrEmpty(n)));
        ValidateOptional(post);

        var sourceRef = $"{clientId}:{key}";
        try
        {
            var incident = await incidents.ReportAsync(new Actor($"api:{clientName}"), new NewIncident(
                IncidentSource.Open311, service.ServiceCode, description, point, datum, street, Clip(post.AddressString?.Trim(), 500),
                sourceRef, name.Length > 0 ? name : null, string.IsNullOrWhiteSpace(post.Phone) ? null : post.Phone.Trim(),
                Attributes: Answers(attributes, post.Attributes)), ct);
            await feeds.TouchAsync(clientId, clock.UtcNow, ct);
            return new Open311Created(incident.Id, sourceRef, Notice(IncidentCodes.SlaCode(incident.SlaTier)));
        }
        catch (IncidentValidationException e)
        {
            throw new Open311Exception(400, e.Message);
        }
    }

    public async Task<IReadOnlyList<Open311Request>> QueryAsync(Open311Query query, CancellationToken ct = default)
    {
        if (!string.IsNullOrWhiteSpace(query.ServiceRequestIds))
            return await store.RequestsAsync(Ids(query.ServiceRequestIds), null, default, default, null, MaxIds, ct);
        var end = query.EndDate is { Length: > 0 } e ? Date(e, "end_date") : clock.UtcNow;
        var start = query.StartDate is { Length: > 0 } s ? Date(s, "start_date") : end - MaxWindow;
        if (start > end) throw new Open311Exception(400, "start_date must not be after end_date.");
        if (end - start > MaxWindow) throw new Open311Exception(400, "start_date and end_date may be at most 90 days apart.");
        string[]? codes = null;
        if (!string.IsNullOrWhiteSpace(query.ServiceCode))
        {
            codes = query.ServiceCode.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (codes.Length > 50) throw new Open311Exception(400, "At most 50 service codes.");
            var known = (await org.ListCategoriesAsync(ct)).Select(c => c.ServiceCode).ToHashSet();
            if (codes.FirstOrDefault(c => !known.Contains(c)) is { } unknown) throw new Open311Exception(400, $"No service with service_code '{Clip(unknown)}'.");
        }
        bool? open = query.Status?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "open" => true,
            "closed" => false,
            var both when both.Split(',', StringSplitOptions.TrimEntries).All(x => x is "open" or "closed") => null,
            _ => throw new Open311Exception(400, "status must be 'open' or 'closed'."),
        };
        return await store.RequestsAsync(null, codes, start, end.AddTicks(1), open, DefaultLimit, ct);
    }

    public async Task<Open311Request> GetAsync(string id, CancellationToken ct = default)
    {
        var ids = Ids(id);
        if (ids.Length != 1) throw new Open311Exception(400, "Ask for one service_request_id.");
        return (await store.RequestsAsync(ids, null, default, default, null, 1, ct)).FirstOrDefault()
            ?? throw new Open311Exception(404, $"No service request {ids[0]}.");
    }

    /// <summary>The request a POST's token stands for (requests are created at once, so a token always resolves).</summary>
    public async Task<long> TokenAsync(string token, CancellationToken ct = default) =>
        token.Length is > 0 and <= 100 && !token.Contains('\0') && await store.FindBySourceRefAsync(token, ct) is { } id ? id
            : throw new Open311Exception(404, "No request for this token.");

    /// <summary>The SLA tier as the service notice the spec offers clients.</summary>
    public static string Notice(string slaTier) => slaTier switch
    {
        "2h" => "2 小时内响应处置",
        "24h" => "24 小时内响应处置",
        "7d" => "7 个工作日内办结",
        _ => "15 个工作日内办结",
    };

    private async Task<(Category, IReadOnlyList<ServiceAttribute>)> DefinitionOrBadRequestAsync(string code, CancellationToken ct)
    {
        try { return await DefinitionAsync(code, ct); }
        catch (Open311Exception e) when (e.Status == 404) { throw new Open311Exception(400, e.Message); }
    }

    /// <summary>lat/long (both, finite, in range), else an address_string that names one of the city's street units.</summary>
    private async Task<(GeoPoint Point, string? Street)> PlaceAsync(Open311Post post, CancellationToken ct)
    {
        var hasLat = !string.IsNullOrWhiteSpace(post.Lat);
        var hasLong = !string.IsNullOrWhiteSpace(post.Long);
        if (hasLat || hasLong)
        {
            if (!(hasLat && hasLong)) throw new Open311Exception(400, "Send both lat and long.");
            if (!double.TryParse(post.Lat, NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) || !double.IsFinite(lat) || lat is < -90 or > 90)
                throw new Open311Exception(400, "lat must be a number from -90 to 90.");
            if (!double.TryParse(post.Long, NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) || !double.IsFinite(lon) || lon is < -180 or > 180)
                throw new Open311Exception(400, "long must be a number from -180 to 180.");
            return (new GeoPoint(lon, lat), null);
        }
        if (string.IsNullOrWhiteSpace(post.AddressString))
            throw new Open311Exception(400, "A location is required: lat and long, or an address_string that names a street or town.");
        var address = post.AddressString.Trim();
        if (address.Length > 500) throw new Open311Exception(400, "address_string may hold at most 500 characters.");
        // No geocoder: the address must name one of the city's street units (街道/镇/乡); the longest name wins.
        var unit = (await org.ListStreetUnitsAsync(null, ct)).Where(u => address.Contains(u.NameZh, StringComparison.Ordinal))
            .OrderByDescending(u => u.NameZh.Length).FirstOrDefault()
            ?? throw new Open311Exception(400, "address_string names no street or town of this city; send lat and long.");
        return (unit.Point, unit.Code);
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>>? Answers(IReadOnlyList<ServiceAttribute> defined, IReadOnlyDictionary<string, IReadOnlyList<string>>? sent)
    {
        sent ??= new Dictionary<string, IReadOnlyList<string>>();
        if (sent.Keys.FirstOrDefault(k => defined.All(a => a.Code != k)) is { } unknown)
            throw new Open311Exception(400, $"attribute[{Clip(unknown, 50)}] is not defined for this service.");
        var answers = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var a in defined)
        {
            var values = sent.GetValueOrDefault(a.Code)?.Select(v => v.Trim()).Where(v => v.Length > 0).ToList() ?? [];
            if (values.Count == 0)
            {
                if (a.Required) throw new Open311Exception(400, $"attribute[{a.Code}] is required.");
                continue;
            }
            if (a.Datatype != "multivaluelist" && values.Count > 1) throw new Open311Exception(400, $"attribute[{a.Code}] takes one value.");
            foreach (var v in values)
            {
                var ok = a.Datatype switch
                {
                    "number" => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n),
                    "datetime" => DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
                    "string" => v.Length <= 200,
                    "text" => v.Length <= MaxDescription,
                    _ => a.Values.Any(x => x.Key == v),
                };
                if (!ok) throw new Open311Exception(400, $"attribute[{a.Code}] has an invalid {a.Datatype} value.");
            }
            answers[a.Code] = values;
        }
        return answers.Count > 0 ? answers : null;
    }

    /// <summary>
    /// Text that did not decode as UTF-8 arrives as U+FFFD, and PostgreSQL refuses NUL: both are refused here with the
    /// field's name, so nothing garbled is stored and nothing fails later.
    /// </summary>
    private static void RequireText(Open311Post post)
    {
        var fields = new (string Name, string? Value)[]
        {
            ("service_code", post.ServiceCode), ("lat", post.Lat), ("long", post.Long), ("address_string", post.AddressString),
            ("description", post.Description), ("first_name", post.FirstName), ("last_name", post.LastName), ("phone", post.Phone),
            ("email", post.Email), ("media_url", post.MediaUrl), ("datum", post.Datum), ("client_request_key", post.ClientRequestKey),
        };
        var attributes = (post.Attributes ?? new Dictionary<string, IReadOnlyList<string>>())
            .SelectMany(a => a.Value.Select(v => ($"attribute[{Clip(a.Key, 50)}]", (string?)v)).Prepend(("attribute", (string?)a.Key)));
        foreach (var (name, value) in fields.Concat(attributes))
            if (value is not null && (value.Contains('\uFFFD') || value.Contains('\0')))
                throw new Open311Exception(400, $"{name} is not valid UTF-8 text.");
    }

    private static void ValidateOptional(Open311Post post)
    {
        if (post.FirstName?.Length > 50 || post.LastName?.Length > 50) throw new Open311Exception(400, "first_name and last_name may hold at most 50 characters each.");
        if (post.Email is { Length: > 0 } email && (email.Length > 254 || !email.Contains('@')))
            throw new Open311Exception(400, "email is not an e-mail address.");
        if (post.MediaUrl is { Length: > 0 } url && (url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            throw new Open311Exception(400, "media_url must be an http(s) URL.");
    }

    private static long[] Ids(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > MaxIds) throw new Open311Exception(400, $"service_request_id takes 1–{MaxIds} ids.");
        return parts.Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id
            : throw new Open311Exception(400, $"'{Clip(p, 30)}' is not a service_request_id.")).Distinct().ToArray();
    }

    private static DateTimeOffset Date(string text, string name) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) && d.Year is > 1900 and < 3000
            ? d.ToUniversalTime()
            : throw new Open311Exception(400, $"{name} must be a W3C date-time, e.g. 2026-11-01T00:00:00+08:00.");

    private static string Clip(string value) => Clip(value, 60)!;

    private static string? Clip(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex ClientKey();
}
