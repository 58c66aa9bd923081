namespace LlamaPS.Engine.Inference;

/// <summary>
/// Passes streamed text through until a stop string appears, holding back only the tail that could still become one,
/// so nothing of a stop string is ever output and nothing else is delayed longer than needed.
/// </summary>
internal sealed class StopStringFilter(IReadOnlyList<string> stops)
{
    private readonly string[] _stops = stops.Where(s => !string.IsNullOrEmpty(s)).ToArray();
    private string _held = "";

    /// <summary>Adds text; returns what can be output now. <paramref name="stopped"/> is true once a stop string was seen.</summary>
    public string Push(string text, out bool stopped)
    {
        stopped = false;
        if (_stops.Length == 0) return text;
        string all = _held + text;
        int cut = -1;
        foreach (var s in _stops)
        {
            int at = all.IndexOf(s, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0)
        {
            stopped = true;
            _held = "";
            return all[..cut];
        }
        int keep = 0;
        foreach (var s in _stops)
            for (int len = Math.Min(s.Length - 1, all.Length); len > keep; len--)
                if (all.EndsWith(s[..len], StringComparison.Ordinal)) { keep = len; break; }
        _held = all[^keep..];
        return all[..^keep];
    }

    /// <summary>Releases held text at the end of generation.</summary>
    public string Flush()
    {
        string rest = _held;
        _held = "";
        return rest;
    }
}
