using System.Text;
using System.Text.RegularExpressions;

namespace LlamaPS.Engine.Gpu.Cuda;

/// <summary>
/// A pass over the PTX ILGPU writes that keeps scalar local variables in registers. ILGPU hands every inline-PTX
/// operand (CudaAsm.Emit) through a 4- or 8-byte slot of local memory, a store and a load each time, and ptxas
/// leaves them there: the tensor-core kernel spent more time on those round trips than on its products. A slot that
/// is only ever stored to and loaded from whole, through the one register that holds its address, becomes a
/// register (each store a move into it, each load a move out of it), which ptxas then folds away; any other slot is
/// left as it is, so the pass never changes what a kernel computes.
/// </summary>
public static partial class PtxScalarPromotion
{
    [GeneratedRegex(@"^\s*\.local\s+\.align\s+\d+\s+\.b8\s+(__local_depot\d+)\[(4|8)\];\s*$")]
    private static partial Regex SlotDeclaration();

    [GeneratedRegex(@"^\s*mov\.b64\s+(%rd\d+),\s*(__local_depot\d+);\s*$")]
    private static partial Regex SlotAddress();

    [GeneratedRegex(@"^(\s*)st\.local\.[bsuf](32|64)\s+\[(%rd\d+)\],\s*([^;\s]+);\s*$")]
    private static partial Regex Store();

    [GeneratedRegex(@"^(\s*)ld\.local\.[bsuf](32|64)\s+(%\w+),\s*\[(%rd\d+)\];\s*$")]
    private static partial Regex Load();

    [GeneratedRegex(@"%rd\d+\b")]
    private static partial Regex AddressRegister();

    [GeneratedRegex(@"__local_depot\d+\b")]
    private static partial Regex SlotName();

    /// <summary>The PTX with every promotable slot in a register; <paramref name="promoted"/> says how many were.</summary>
    public static string Apply(string ptx, out int promoted)
    {
        string[] lines = ptx.Split('\n');
        var sizes = new Dictionary<string, int>();           // slot -> bytes
        var addresses = new Dictionary<string, string>();    // address register -> slot
        foreach (string line in lines)
        {
            if (SlotDeclaration().Match(line) is { Success: true } d) sizes[d.Groups[1].Value] = int.Parse(d.Groups[2].Value);
            else if (SlotAddress().Match(line) is { Success: true } a && !addresses.TryAdd(a.Groups[1].Value, a.Groups[2].Value))
                addresses[a.Groups[1].Value] = ""; // assigned twice: not ours to touch
        }

        // A slot qualifies when its name appears only in its declaration and one address move, and its address
        // register only there and in whole-width stores and loads.
        var slotUses = new Dictionary<string, int>();
        var bad = new HashSet<string>(addresses.Where(p => p.Value == "" || !sizes.ContainsKey(p.Value)).Select(p => p.Key));
        foreach (string line in lines)
        {
            foreach (Match m in SlotName().Matches(line)) slotUses[m.Value] = slotUses.GetValueOrDefault(m.Value) + 1;
            if (SlotAddress().IsMatch(line)) continue;
            var store = Store().Match(line);
            var load = Load().Match(line);
            foreach (Match m in AddressRegister().Matches(line))
            {
                if (!addresses.TryGetValue(m.Value, out string? slot) || slot == "") continue;
                bool whole = (store.Success && store.Groups[3].Value == m.Value && int.Parse(store.Groups[2].Value) == 8 * sizes[slot] && store.Groups[4].Value != m.Value)
                          || (load.Success && load.Groups[4].Value == m.Value && int.Parse(load.Groups[2].Value) == 8 * sizes[slot]);
                if (!whole) bad.Add(m.Value);
            }
        }
        var registers = addresses.Where(p => !bad.Contains(p.Key) && slotUses.GetValueOrDefault(p.Value) == 2)
            .ToDictionary(p => p.Key, p => (Slot: p.Value, Name: "%lp" + p.Value["__local_depot".Length..], Bits: 8 * sizes[p.Value]));
        var bySlot = registers.Values.ToDictionary(r => r.Slot);

        var output = new StringBuilder(ptx.Length);
        foreach (string line in lines)
        {
            if (SlotDeclaration().Match(line) is { Success: true } d && bySlot.TryGetValue(d.Groups[1].Value, out var r))
            {
                output.Append("\t.reg .b").Append(r.Bits).Append(' ').Append(r.Name).Append(";\n");
            }
            else if (SlotAddress().Match(line) is { Success: true } a && registers.ContainsKey(a.Groups[1].Value))
            {
                // The address is no longer needed.
            }
            else if (Store().Match(line) is { Success: true } s && registers.TryGetValue(s.Groups[3].Value, out var sr))
            {
                output.Append(s.Groups[1].Value).Append("mov.b").Append(sr.Bits).Append('\t').Append(sr.Name).Append(", ").Append(s.Groups[4].Value).Append(";\n");
            }
            else if (Load().Match(line) is { Success: true } l && registers.TryGetValue(l.Groups[4].Value, out var lr))
            {
                output.Append(l.Groups[1].Value).Append("mov.b").Append(lr.Bits).Append('\t').Append(l.Groups[3].Value).Append(", ").Append(lr.Name).Append(";\n");
            }
            else
            {
                output.Append(line).Append('\n');
            }
        }
        if (!ptx.EndsWith('\n')) output.Length--;
        promoted = registers.Count;
        return output.ToString();
    }
}
