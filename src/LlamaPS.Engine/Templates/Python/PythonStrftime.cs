using System.Globalization;
using System.Text;

namespace LlamaPS.Engine.Templates.Python;

/// <summary>
/// Python's datetime.strftime in the C locale on Linux (glibc): %d %b %Y and friends, with glibc's "-" flag for no
/// padding (%-d). Templates use it through strftime_now, e.g. Llama 3.2's "%d %b %Y" for "Today Date".
/// </summary>
internal static class PythonStrftime
{
    public static string Format(DateTime time, string format)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            bool noPad = format[i + 1] == '-' && i + 2 < format.Length;
            char directive = format[noPad ? i + 2 : i + 1];
            string? field = Field(time, directive);
            if (field is null)
            {
                // glibc copies an unknown conversion as it is.
                sb.Append('%');
                continue;
            }
            if (noPad && char.IsAsciiDigit(field[0])) field = field.TrimStart('0') is { Length: > 0 } t ? t : "0";
            else if (noPad && field[0] == ' ') field = field.TrimStart(' ');
            sb.Append(field);
            i += noPad ? 2 : 1;
        }
        return sb.ToString();
    }

    private static string? Field(DateTime t, char directive)
    {
        var c = CultureInfo.InvariantCulture;
        return directive switch
        {
            'a' => t.ToString("ddd", c),
            'A' => t.ToString("dddd", c),
            'b' or 'h' => t.ToString("MMM", c),
            'B' => t.ToString("MMMM", c),
            'c' => t.ToString("ddd MMM ", c) + t.Day.ToString(c).PadLeft(2) + t.ToString(" HH:mm:ss yyyy", c),
            'C' => (t.Year / 100).ToString("00", c),
            'd' => t.ToString("dd", c),
            'D' => t.ToString("MM/dd/yy", c),
            'e' => t.Day.ToString(c).PadLeft(2),
            'F' => t.ToString("yyyy-MM-dd", c),
            'H' => t.ToString("HH", c),
            'I' => t.ToString("hh", c),
            'j' => t.DayOfYear.ToString("000", c),
            'k' => t.Hour.ToString(c).PadLeft(2),
            'l' => (t.Hour % 12 == 0 ? 12 : t.Hour % 12).ToString(c).PadLeft(2),
            'm' => t.ToString("MM", c),
            'M' => t.ToString("mm", c),
            'n' => "\n",
            'p' => t.Hour < 12 ? "AM" : "PM",
            'P' => t.Hour < 12 ? "am" : "pm",
            'r' => t.ToString("hh:mm:ss ", c) + (t.Hour < 12 ? "AM" : "PM"),
            'R' => t.ToString("HH:mm", c),
            'S' => t.ToString("ss", c),
            't' => "\t",
            'T' or 'X' => t.ToString("HH:mm:ss", c),
            'u' => (t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(c),
            'w' => ((int)t.DayOfWeek).ToString(c),
            'x' => t.ToString("MM/dd/yy", c),
            'y' => t.ToString("yy", c),
            'Y' => t.Year.ToString(c),
            'U' => ((t.DayOfYear + 6 - (int)t.DayOfWeek) / 7).ToString("00", c),
            'W' => ((t.DayOfYear + 6 - ((int)t.DayOfWeek + 6) % 7) / 7).ToString("00", c),
            'G' => ISOWeek.GetYear(t).ToString(c),
            'g' => (ISOWeek.GetYear(t) % 100).ToString("00", c),
            'V' => ISOWeek.GetWeekOfYear(t).ToString("00", c),
            'z' or 'Z' => "",
            '%' => "%",
            _ => null,
        };
    }
}
