using System.Reflection;
using System.Text.RegularExpressions;

namespace Roost.Server.Tests.Docs;

/// <summary>Error codes are a contract: each is a named constant, and each constant is in docs/protocol.md.</summary>
public sealed partial class ErrorCodeTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();

    [Fact]
    public void Every_error_code_constant_is_documented_in_the_protocol()
    {
        var protocol = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "protocol.md"));
        var codes = new[] { typeof(Core.Errors.ErrorCodes).Assembly, typeof(RoostHost).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.Name.EndsWith("ErrorCodes", StringComparison.Ordinal) && type.IsAbstract && type.IsSealed)
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToList();

        Assert.NotEmpty(codes);
        Assert.All(codes, code => Assert.Contains($"`{code}`", protocol, StringComparison.Ordinal));
    }

    [Fact]
    public void No_error_is_built_with_a_bare_string_code()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, index)))
            .Where(entry => BareCode().IsMatch(entry.line))
            .Select(entry => $"{Path.GetRelativePath(RepositoryRoot, entry.path)}:{entry.index + 1}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void The_architecture_document_has_each_section_once()
    {
        var headings = File.ReadLines(Path.Combine(RepositoryRoot, "docs", "ARCHITECTURE.md")).Where(line => line.StartsWith("## ", StringComparison.Ordinal)).ToList();

        Assert.Equal(headings.Distinct(StringComparer.Ordinal), headings);
    }

    [GeneratedRegex("""new RoostError\(ErrorKind\.\w+, "[a-z_]+"|RoostError\.\w+\("[a-z]+_[a-z_]+"\)""")]
    private static partial Regex BareCode();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Roost.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Roost.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
