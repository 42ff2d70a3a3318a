using Roost.Testing;

namespace Roost.Server.Tests.Infrastructure;

/// <summary>
/// The store engine whole-instance tests run on: ROOST_TEST_ENGINE=sqlite (the default) or postgres. <c>./test.sh</c>
/// runs this project once on each. A test about one engine's own files pins it with the <c>Roost:Storage:Engine</c> setting.
/// </summary>
public static class TestEngine
{
    public const string Variable = "ROOST_TEST_ENGINE";

    public static string Name { get; } = Environment.GetEnvironmentVariable(Variable) switch
    {
        null or "" or "sqlite" => "sqlite",
        "postgres" => "postgres",
        var other => throw new InvalidOperationException($"{Variable} must be sqlite or postgres, not '{other}'."),
    };

    public static bool IsPostgres => Name == "postgres";

    /// <summary>
    /// For a test that runs the server as a child process: on PostgreSQL a database of the test's own (dispose it after
    /// the last process) and the arguments that point a server at it; on SQLite nothing.
    /// </summary>
    public static async Task<(TestPostgres? Database, string[] ServerArguments)> ForServerProcessAsync()
    {
        if (!IsPostgres)
        {
            return (null, []);
        }

        var database = new TestPostgres();
        return (database, ["--Roost:Storage:Engine=postgres", $"--Roost:Storage:Postgres:ConnectionString={await database.CreateAsync()}"]);
    }
}
