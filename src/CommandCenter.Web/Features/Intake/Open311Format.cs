using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace CommandCenter.Web.Features.Intake;

/// <summary>An ordered set of spec fields; values are text, numbers, booleans, times, null, nested <see cref="Open311Fields"/> or <see cref="Open311List"/>.</summary>
public sealed class Open311Fields : List<KeyValuePair<string, object?>>
{
    public void Add(string name, object? value) => Add(new KeyValuePair<string, object?>(name, value));
}

/// <summary>A list: a JSON array, or in XML one <see cref="ItemName"/> element per item.</summary>
public sealed record Open311List(string ItemName, IReadOnlyList<object?> Items);

/// <summary>
/// Writes one answer in the format the URL asked for (<c>.json</c> or <c>.xml</c>), with the spec's shapes: JSON arrays
/// of objects, XML with a root element per call. Times are W3C date-times in the city's zone.
/// </summary>
public static class Open311Format
{
    public const string Json = "json";
    public const string Xml = "xml";

    public static bool IsKnown(string? format) => format is Json or Xml;

    /// <summary>The format of a request path like <c>/open311/v2/requests.xml</c>; JSON when there is none we know.</summary>
    public static string FromPath(PathString path) => path.Value?.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) == true ? Xml : Json;

    /// <param name="body">An <see cref="Open311List"/> (JSON array; XML items under the root) or <see cref="Open311Fields"/> (one object; the root's children).</param>
    public static IResult Answer(string format, string root, object body, TimeZoneInfo zone, int status = StatusCodes.Status200OK) =>
        new Open311Result(format, root, body, zone, status);

    public static IResult Error(string format, int status, string description) =>
        new Open311Result(format, "errors", new Open311List("error", [new Open311Fields { { "code", status }, { "description", description } }]), TimeZoneInfo.Utc, status);

    private sealed class Open311Result(string format, string root, object body, TimeZoneInfo zone, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            var buffer = new MemoryStream();
            if (format == Xml)
            {
                http.Response.ContentType = "text/xml; charset=utf-8";
                await using var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Async = true });
                await xml.WriteStartDocumentAsync();
                await WriteXmlAsync(xml, root, body, zone);
                await xml.WriteEndDocumentAsync();
            }
            else
            {
                http.Response.ContentType = "application/json; charset=utf-8";
                await using var json = new Utf8JsonWriter(buffer);
                WriteJson(json, body, zone);
            }
            buffer.Position = 0;
            await buffer.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
    }

    private static void WriteJson(Utf8JsonWriter w, object? value, TimeZoneInfo zone)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case double d: w.WriteNumberValue(d); break;
            case DateTimeOffset t: w.WriteStringValue(Time(t, zone)); break;
            case Open311Fields fields:
                w.WriteStartObject();
                foreach (var (name, v) in fields)
                {
                    w.WritePropertyName(name);
                    WriteJson(w, v, zone);
                }
                w.WriteEndObject();
                break;
            case Open311List list:
                w.WriteStartArray();
                foreach (var item in list.Items) WriteJson(w, item, zone);
                w.WriteEndArray();
                break;
            default: throw new InvalidOperationException($"Open311 cannot write {value.GetType().Name}.");
        }
    }

    private static async Task WriteXmlAsync(XmlWriter w, string name, object? value, TimeZoneInfo zone)
    {
        await w.WriteStartElementAsync(null, name, null);
        switch (value)
        {
            case null: break;
            case Open311Fields fields:
                foreach (var (field, v) in fields) await WriteXmlAsync(w, field, v, zone);
                break;
            case Open311List list:
                foreach (var item in list.Items) await WriteXmlAsync(w, list.ItemName, item, zone);
                break;
            default: await w.WriteStringAsync(Scalar(value, zone)); break;
        }
        await w.WriteEndElementAsync();
    }

    private static string Scalar(object value, TimeZoneInfo zone) => value switch
    {
        bool b => b ? "true" : "false",
        DateTimeOffset t => Time(t, zone),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => XmlSafe(value.ToString() ?? ""),
    };

    private static string Time(DateTimeOffset t, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>XML 1.0 cannot carry some control characters a citizen's text may contain; they are dropped, not escaped into invalid XML.</summary>
    private static string XmlSafe(string text)
    {
        var safe = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i)) safe.Append(text, i++, 2);
            else if (XmlConvert.IsXmlChar(text[i])) safe.Append(text[i]);
        }
        return safe.ToString();
    }
}
