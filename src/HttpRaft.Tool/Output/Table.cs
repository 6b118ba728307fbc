using System.Text;

namespace HttpRaft.Tool.Output;

/// <summary>Left-aligned columns, two spaces apart, each as wide as its widest cell; the last column is not padded.</summary>
internal static class Table
{
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, column) => all.Max(row => column < row.Count ? row[column].Length : 0)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            for (var column = 0; column < widths.Length; column++)
            {
                var cell = column < row.Count ? row[column] : "";
                text.Append(column == widths.Length - 1 ? cell : cell.PadRight(widths[column] + 2));
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
