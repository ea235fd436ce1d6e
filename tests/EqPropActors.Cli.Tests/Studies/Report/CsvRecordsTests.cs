using EqPropActors.Cli.Studies.Report;

namespace EqPropActors.Cli.Tests.Studies.Report;

public sealed class CsvRecordsTests
{
    [Fact]
    public void Parse_QuotedFieldsKeepCommasDoubledQuotesAndLineBreaks()
    {
        var records = CsvRecords.Parse("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\nthen stop\"\n", "t.csv");

        Assert.Equal(2, records.Count);
        Assert.Equal(["1", "x, y", "say \"hi\"\nthen stop"], records[1]);
    }

    [Fact]
    public void Parse_CrLfLineEndsEmptyFieldsAndAMissingFinalLineBreak()
    {
        var records = CsvRecords.Parse("a,b,c\r\n,,\r\n1,,3", "t.csv");

        Assert.Equal(["", "", ""], records[1]);
        Assert.Equal(["1", "", "3"], records[2]);
    }

    [Fact]
    public void Parse_SkipsBlankLines()
    {
        Assert.Equal(2, CsvRecords.Parse("a,b\n\n1,2\n\n", "t.csv").Count);
    }

    [Theory]
    [InlineData("a,b\n1,\"open\n", "line 2: a quoted field is not closed")]
    [InlineData("a,b\n1,x\"y\n", "line 2: a quote inside an unquoted field")]
    [InlineData("a,b\n1,\"x\"y\n", "line 2: text after the closing quote")]
    public void Parse_RejectsMalformedQuotingWithItsLine(string text, string message)
    {
        var thrown = Assert.Throws<FormatException>(() => CsvRecords.Parse(text, "t.csv"));

        Assert.Contains("t.csv: " + message, thrown.Message);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    public void Escape_QuotesOnlyWhenNeededAndRoundTrips(string field, string written)
    {
        Assert.Equal(written, CsvRecords.Escape(field));
        Assert.Equal([field], CsvRecords.Parse(written + "\n", "t.csv")[0]);
    }
}
