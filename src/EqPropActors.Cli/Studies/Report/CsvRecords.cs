using System.Text;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>
/// RFC 4180 CSV: fields separated by commas, a field in double quotes may hold commas, line breaks and doubled quotes
/// (""), records end with LF or CRLF. Small on purpose: the study files are ours and this is all they need.
/// </summary>
public static class CsvRecords
{
    /// <summary>The records of <paramref name="text"/>; blank lines are skipped.</summary>
    public static List<string[]> Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, fieldStarted = false;
        int line = 1, quoteStartLine = 1;

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            fieldStarted = false;
        }

        void EndRecord()
        {
            EndField();
            // A blank line is one empty field; it is no record.
            if (fields.Count > 1 || fields[0].Length > 0)
                records.Add(fields.ToArray());
            fields.Clear();
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                        quoted = false;
                }
                else
                {
                    if (c == '\n')
                        line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when !fieldStarted && field.Length == 0:
                    quoted = true;
                    fieldStarted = true;
                    quoteStartLine = line;
                    break;
                case '"':
                    throw new FormatException($"{path}: line {line}: a quote inside an unquoted field (quote the whole field and double the quote)");
                case ',':
                    EndField();
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    break;
                default:
                    if (fieldStarted)
                        throw new FormatException($"{path}: line {line}: text after the closing quote of a field");
                    field.Append(c);
                    break;
            }
        }
        if (quoted)
            throw new FormatException($"{path}: line {quoteStartLine}: a quoted field is not closed before the end of the file");
        if (field.Length > 0 || fields.Count > 0 || fieldStarted)
            EndRecord();
        return records;
    }

    /// <summary>The field as it must be written: quoted when it holds a comma, quote or line break.</summary>
    public static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
