using System.Text;

namespace CommandCenter.Core.Features.Intake;

/// <summary>
/// A streaming RFC 4180 reader: comma-separated, fields optionally in double quotes (a quote inside doubled), line
/// breaks inside quoted fields, CRLF or LF, a UTF-8 byte order mark skipped. Holds one record at a time, so a file of
/// any size reads in constant memory. Not thread-safe.
/// </summary>
public sealed class CsvReader : IDisposable
{
    /// <summary>A field longer than this is refused (a missing closing quote would otherwise swallow the whole file).</summary>
    public const int MaxFieldLength = 1 << 20;

    private static readonly System.Buffers.SearchValues<char> Specials = System.Buffers.SearchValues.Create(",\"\n\r");

    private readonly TextReader reader;
    private readonly char[] buffer = new char[64 * 1024];
    private readonly StringBuilder field = new();
    private readonly List<string> fields = [];
    private int position;
    private int length;

    /// <param name="stream">Read as UTF-8; bytes that are not UTF-8 become U+FFFD (callers refuse such fields).</param>
    public CsvReader(Stream stream, bool leaveOpen = false) =>
        reader = new StreamReader(stream, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen);

    /// <summary>The record just read, 1-based; the header is record 1.</summary>
    public long Record { get; private set; }

    /// <summary>Reads the next record; null at the end of the input. A blank line is a record with one empty field.</summary>
    /// <exception cref="CsvFormatException">A quoted field is never closed, or a field exceeds <see cref="MaxFieldLength"/>.</exception>
    public string[]? Read()
    {
        if (!Fill()) return null;
        fields.Clear();
        Record++;
        var quoted = false;
        var wasQuoted = false;
        field.Clear();
        while (true)
        {
            if (position == length && !Fill())
            {
                if (quoted) throw new CsvFormatException(Record, CsvFailure.QuoteNotClosed, "A quoted field is not closed before the end of the file.");
                fields.Add(field.ToString());
                return [.. fields];
            }
            if (quoted)
            {
                // Copy the run up to the next quote in one go: quoted text is the long part of most files.
                var span = buffer.AsSpan(position, length - position);
                var quote = span.IndexOf('"');
                if (quote < 0)
                {
                    Append(span);
                    position = length;
                    continue;
                }
                Append(span[..quote]);
                position += quote + 1;
                if (position == length && !Fill())
                {
                    quoted = false;
                    continue;
                }
                if (buffer[position] == '"')
                {
                    field.Append('"');
                    position++;
                }
                else
                {
                    quoted = false;
                }
                continue;
            }

            var rest = buffer.AsSpan(position, length - position);
            var stop = rest.IndexOfAny(Specials);
            if (stop < 0)
            {
                Append(rest);
                position = length;
                continue;
            }
            Append(rest[..stop]);
            position += stop + 1;
            switch (rest[stop])
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    break;
                case '"':
                    // A quote opens a field only at its start; elsewhere it is kept as text (lenient, as spreadsheets are).
                    if (field.Length == 0 && !wasQuoted) quoted = wasQuoted = true;
                    else field.Append('"');
                    break;
                case '\r':
                    if ((position < length || Fill()) && buffer[position] == '\n') position++;
                    fields.Add(field.ToString());
                    return [.. fields];
                default:
                    fields.Add(field.ToString());
                    return [.. fields];
            }
        }
    }

    public void Dispose() => reader.Dispose();

    private void Append(ReadOnlySpan<char> text)
    {
        if (field.Length + text.Length > MaxFieldLength)
            throw new CsvFormatException(Record, CsvFailure.FieldTooLong, $"A field is longer than {MaxFieldLength:N0} characters (a quote that is never closed?).",
                CsvImportException.Invariant(MaxFieldLength));
        field.Append(text);
    }

    /// <summary>True if unread characters are in the buffer, refilling it when empty.</summary>
    private bool Fill()
    {
        if (position < length) return true;
        length = reader.Read(buffer, 0, buffer.Length);
        position = 0;
        return length > 0;
    }
}

/// <summary>The file cannot be read as CSV from this record on; <see cref="Record"/> is 1-based (the header is 1).</summary>
public sealed class CsvFormatException(long record, CsvFailure failure, string message, params string[] args) : Exception($"Row {record}: {message}")
{
    public long Record { get; } = record;

    public CsvFailure Failure { get; } = failure;

    /// <summary>The values the reason names after the row (see <see cref="CsvImportException.Args"/>).</summary>
    public IReadOnlyList<string> Args { get; } = args;

    public string Reason { get; } = message;
}
