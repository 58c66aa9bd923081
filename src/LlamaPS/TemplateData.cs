using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;

namespace LlamaPS;

/// <summary>
/// Turns what PowerShell hands a cmdlet (hashtables, ordered dictionaries, PSCustomObjects, arrays, wrapped values)
/// into the plain .NET data the engine's templates read, keeping the order of keys and properties.
/// </summary>
internal static class TemplateData
{
    public static object? From(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case PSObject { BaseObject: PSCustomObject } custom:
                var properties = new OrderedDictionary();
                foreach (var property in custom.Properties) properties[property.Name] = From(property.Value);
                return properties;
            case PSObject wrapped:
                return From(wrapped.BaseObject);
            case string:
                return value;
            case IDictionary dictionary:
                var entries = new OrderedDictionary();
                var items = dictionary.GetEnumerator();
                while (items.MoveNext()) entries[From(items.Key)!] = From(items.Value);
                return entries;
            case IEnumerable sequence:
                return sequence.Cast<object?>().Select(From).ToList();
            default:
                return value;
        }
    }

    /// <summary>
    /// A chat message: a dictionary or object with a role, and usually content, in any letter case (Role, Content);
    /// those two keys reach the template as "role" and "content", other keys as they are (tool_calls, ...).
    /// </summary>
    public static OrderedDictionary Message(object? value, int index)
    {
        if (From(value) is not OrderedDictionary fields)
            throw new ArgumentException($"Message {index} is {(value is null ? "null" : $"a {(value is PSObject p ? p.BaseObject : value).GetType().Name}")}, not a message: give a hashtable or object with role and content, e.g. @{{ role = 'user'; content = 'Hello' }}.");
        var message = new OrderedDictionary();
        foreach (DictionaryEntry entry in fields)
        {
            string? key = entry.Key as string;
            bool known = string.Equals(key, "role", StringComparison.OrdinalIgnoreCase) || string.Equals(key, "content", StringComparison.OrdinalIgnoreCase);
            message[known ? key!.ToLowerInvariant() : entry.Key] = entry.Value;
        }
        if (message["role"] is not string role || role.Length == 0)
            throw new ArgumentException($"Message {index} has no role: give each message a role ('system', 'user', 'assistant', ...) and content.");
        return message;
    }
}
