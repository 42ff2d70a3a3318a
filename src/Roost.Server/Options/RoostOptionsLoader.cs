using System.Globalization;
using System.Reflection;

namespace Roost.Server.Options;

/// <summary>
/// Reads <see cref="RoostOptions"/> from configuration and refuses anything it cannot use: unknown keys (a typo
/// must not silently fall back to a default), values of the wrong type, and values out of range.
/// </summary>
public static class RoostOptionsLoader
{
    public static RoostOptions Load(IConfiguration configuration, string environmentName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(RoostOptions.SectionName);
        var problems = new List<string>();
        CheckShape(section, typeof(RoostOptions), problems);
        if (problems.Count > 0)
        {
            throw new RoostConfigurationException(problems);
        }

        var options = section.Get<RoostOptions>() ?? new RoostOptions();
        problems.AddRange(RoostOptionsValidator.Validate(options, environmentName));
        return problems.Count > 0 ? throw new RoostConfigurationException(problems) : options;
    }

    private static void CheckShape(IConfigurationSection section, Type type, List<string> problems)
    {
        var settings = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!settings.TryGetValue(child.Key, out var setting))
            {
                problems.Add($"{child.Path} is not a known setting. {section.Path} has: {string.Join(", ", settings.Keys)}.");
                continue;
            }

            var valueType = Nullable.GetUnderlyingType(setting.PropertyType) ?? setting.PropertyType;
            if (!IsSingleValue(valueType))
            {
                CheckShape(child, valueType, problems);
            }
            else if (child.Value is null)
            {
                problems.Add($"{child.Path} takes a single value, not a section.");
            }
            else if (!Parses(child.Value, valueType))
            {
                problems.Add($"{child.Path} must be {Describe(valueType)}; got '{child.Value}'.");
            }
        }
    }

    private static bool IsSingleValue(Type type) =>
        type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(TimeSpan) || type == typeof(decimal);

    private static bool Parses(string value, Type type)
    {
        if (type == typeof(string))
        {
            return true;
        }

        if (type.IsEnum)
        {
            return Enum.GetNames(type).Any(name => string.Equals(name, value.Trim(), StringComparison.OrdinalIgnoreCase));
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _);
        }

        if (type == typeof(bool))
        {
            return bool.TryParse(value, out _);
        }

        if (type == typeof(int))
        {
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        }

        if (type == typeof(long))
        {
            return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    private static string Describe(Type type)
    {
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type));
        }

        if (type == typeof(TimeSpan))
        {
            return "a duration as hh:mm:ss (for example 00:00:30)";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        return type == typeof(int) || type == typeof(long) ? "a whole number" : "a number";
    }
}
