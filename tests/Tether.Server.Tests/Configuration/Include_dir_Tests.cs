namespace Tether.Server.Tests.Configuration;

/// <summary><c>include_dir DIR</c>: every <c>*.conf</c> in DIR is read in place, in Mosquitto's order.</summary>
public sealed class Include_dir_Tests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tether-include-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string relativePath, string text)
    {
        var path = Path.Combine(_directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Files_are_read_in_place_in_mosquitto_order_and_only_conf_files()
    {
        // mosquitto.conf(5): b.conf, A.conf, 01.conf, a.conf and 00.conf load as 00, 01, A, a, b. Each sets the
        // port of the default listener; the last one read wins, and a line after include_dir overrides them all.
        var confD = Path.Combine(_directory, "conf.d");
        Write("conf.d/b.conf", "listener 1005\n");
        Write("conf.d/A.conf", "listener 1003\n");
        Write("conf.d/01.conf", "listener 1002\n");
        Write("conf.d/a.conf", "listener 1004\n");
        Write("conf.d/00.conf", "listener 1001\n");
        Write("conf.d/ignored.txt", "listener 1999\n");
        Write("conf.d/.conf", "listener 1998\n");
        var main = Write("mosquitto.conf", $"listener 1000\ninclude_dir {confD}\nlistener 1006\n");

        var config = MosquittoConfigParser.ParseFile(main);

        Assert.Equal([1000, 1001, 1002, 1003, 1004, 1005, 1006], config.Listeners.Select(l => l.Port));
    }

    [Fact]
    public void Options_in_an_included_file_apply_to_the_listener_opened_before_it()
    {
        var confD = Path.Combine(_directory, "conf.d");
        Write("conf.d/ws.conf", "protocol websockets\n");
        var main = Write("mosquitto.conf", $"listener 9001\ninclude_dir {confD}\n");

        var listener = Assert.Single(MosquittoConfigParser.ParseFile(main).Listeners);

        Assert.Equal(ListenerProtocol.WebSockets, listener.Protocol);
    }

    [Fact]
    public void An_error_in_an_included_file_names_that_file_and_its_line()
    {
        var confD = Path.Combine(_directory, "conf.d");
        var included = Write("conf.d/bad.conf", "# comment\n\nmax_keepalive 5\n");
        var main = Write("mosquitto.conf", $"include_dir {confD}\n");

        var e = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.ParseFile(main));

        Assert.Equal(included, e.SourceName);
        Assert.Equal(3, e.LineNumber);
        Assert.Equal("max_keepalive", e.Option);
        Assert.Contains($"line 3 of {included}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listener_defined_twice_across_files_names_both_places()
    {
        var confD = Path.Combine(_directory, "conf.d");
        var included = Write("conf.d/dup.conf", "listener 1884\n");
        var main = Write("mosquitto.conf", $"listener 1884\ninclude_dir {confD}\n");

        var e = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.ParseFile(main));

        Assert.Equal(included, e.SourceName);
        Assert.Contains($"already defined on line 1 of {main}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_directory_is_an_error_on_the_include_dir_line()
    {
        var missing = Path.Combine(_directory, "missing.d");
        var main = Write("mosquitto.conf", $"# comment\ninclude_dir {missing}\n");

        var e = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.ParseFile(main));

        Assert.Equal(main, e.SourceName);
        Assert.Equal(2, e.LineNumber);
        Assert.Equal("include_dir", e.Option);
        Assert.Contains($"unable to open include_dir '{missing}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_dir_inside_an_included_file_is_refused_not_ignored()
    {
        // Mosquitto 2.0 processes include_dir only in the main file and silently skips it elsewhere.
        var confD = Path.Combine(_directory, "conf.d");
        var included = Write("conf.d/nested.conf", $"include_dir {confD}\n");
        var main = Write("mosquitto.conf", $"include_dir {confD}\n");

        var e = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.ParseFile(main));

        Assert.Equal(included, e.SourceName);
        Assert.Equal(1, e.LineNumber);
        Assert.Contains("only processed in the main configuration file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_directory_adds_nothing()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "empty.d"));
        var main = Write("mosquitto.conf", $"include_dir {Path.Combine(_directory, "empty.d")}\n");

        Assert.Equal(TetherConfiguration.Default.DefaultListener, MosquittoConfigParser.ParseFile(main).DefaultListener);
    }
}
