using System.Globalization;
using System.Reflection;

namespace Roost.Core.Storage;

/// <summary>One numbered schema change of an engine: <c>Migrations/NNNN_name.sql</c>, embedded in the engine's assembly.</summary>
public sealed record MigrationScript(int Version, string Name, string Sql);

/// <summary>What every engine's migrations share: how scripts are found and numbered, and which databases are refused.</summary>
public static class MigrationScripts
{
    /// <summary>
    /// The scripts embedded under <paramref name="resourcePrefix"/>, by ascending number. Numbers only need to be
    /// distinct: features developed side by side each take their own, so one can land before another.
    /// </summary>
    public static IReadOnlyList<MigrationScript> Load(Assembly assembly, string resourcePrefix, string engine)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var migrations = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[resourcePrefix.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..separator], NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new MigrationScript(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version < 1 || (i > 0 && migrations[i].Version == migrations[i - 1].Version))
            {
                throw new InvalidOperationException($"{engine} migrations must have distinct numbers from 1 up; found {migrations[i].Version} twice or out of range.");
            }
        }

        return migrations;
    }

    /// <summary>
    /// Every recorded migration must be one this build ships, under the same name: a database another version of Roost
    /// migrated (a newer release, or another branch's script under a number) has a schema this build does not know,
    /// and applying "the rest" around it would corrupt it.
    /// </summary>
    public static void ThrowIfForeign(IEnumerable<(int Version, string Name)> recorded, IReadOnlyList<MigrationScript> shipped)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(shipped);
        foreach (var (version, name) in recorded.OrderBy(r => r.Version))
        {
            var ours = shipped.FirstOrDefault(m => m.Version == version);
            if (ours is null || !string.Equals(ours.Name, name, StringComparison.Ordinal))
            {
                throw new StoreSchemaException(
                    $"The database records migration {version} '{name}', which this build of Roost does not ship" +
                    (ours is null ? "" : $" (its {version} is '{ours.Name}')") +
                    ". It was written by another version of Roost: run that version, or restore a backup made by this one.");
            }
        }
    }
}
