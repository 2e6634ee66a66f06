using System.Text;
using CommandCenter.Core.Features.Intake;

namespace CommandCenter.Core.Tests.Features.Intake;

public sealed class CsvReaderTests
{
    private static List<string[]> ReadAll(string text, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bom) bytes = [0xEF, 0xBB, 0xBF, .. bytes];
        using var reader = new CsvReader(new MemoryStream(bytes));
        var records = new List<string[]>();
        while (reader.Read() is { } record) records.Add(record);
        return records;
    }

    [Fact]
    public void Read_QuotedFields_KeepCommasDoubledQuotesAndLineBreaks()
    {
        var records = ReadAll("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"line 1\r\nline 2\nline 3\"\n");

        Assert.Equal(2, records.Count);
        Assert.Equal(["x, y", "say \"hi\"", "line 1\r\nline 2\nline 3"], records[1]);
    }

    [Fact]
    public void Read_CrLfAndLfAndNoFinalNewline_SameRecords()
    {
        var crlf = ReadAll("a,b\r\n1,2\r\n3,4\r\n");
        var lf = ReadAll("a,b\n1,2\n3,4");
        var cr = ReadAll("a,b\r1,2\r3,4\r");

        Assert.Equal(crlf, lf);
        Assert.Equal(crlf, cr);
        Assert.Equal(3, crlf.Count);
        Assert.Equal(["3", "4"], crlf[2]);
    }

    [Fact]
    public void Read_ByteOrderMark_IsNotPartOfTheFirstHeader()
    {
        var records = ReadAll("ref,lon\n1,116.4\n", bom: true);

        Assert.Equal("ref", records[0][0]);
    }

    [Fact]
    public void Read_RaggedRowsAndEmptyFields_AsWritten()
    {
        var records = ReadAll("a,b,c\n1\n1,2,3,4\n,,\n\n");

        Assert.Equal(["1"], records[1]);
        Assert.Equal(["1", "2", "3", "4"], records[2]);
        Assert.Equal(["", "", ""], records[3]);
        Assert.Equal([""], records[4]);
        Assert.Equal(5, records.Count);
    }

    [Fact]
    public void Read_RecordNumber_CountsRecordsNotLines()
    {
        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes("h\n\"two\nlines\"\nthird\n")));
        reader.Read();
        reader.Read();
        Assert.Equal(2, reader.Record);
        Assert.Equal(["third"], reader.Read()!);
        Assert.Equal(3, reader.Record);
        Assert.Null(reader.Read());
    }

    [Fact]
    public void Read_UnclosedQuote_FailsWithTheRow()
    {
        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes("a,b\n1,2\n3,\"never closed\n5,6\n")));
        reader.Read();
        reader.Read();

        var e = Assert.Throws<CsvFormatException>(() => reader.Read());
        Assert.Equal(3, e.Record);
    }

    [Fact]
    public void Read_FieldsAcrossBufferBoundaries_AreWhole()
    {
        var longText = new string('长', 100_000);
        var records = ReadAll($"a,b\n\"{longText}\",{new string('x', 70_000)}\n");

        Assert.Equal(longText, records[1][0]);
        Assert.Equal(70_000, records[1][1].Length);
    }

    [Fact]
    public void Read_InvalidUtf8_BecomesReplacementCharacter()
    {
        using var reader = new CsvReader(new MemoryStream([(byte)'a', (byte)'\n', 0xFF, 0xFE, (byte)'b']));
        reader.Read();

        Assert.Contains('\uFFFD', reader.Read()![0]);
    }
}
