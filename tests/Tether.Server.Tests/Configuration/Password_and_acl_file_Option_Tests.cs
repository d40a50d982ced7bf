namespace Tether.Server.Tests.Configuration;

/// <summary>password_file and acl_file lines: a file that cannot be opened stops start-up naming the config line.</summary>
public sealed class Password_and_acl_file_Option_Tests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tether-files-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData("password_file", "unable to open password file")]
    [InlineData("acl_file", "unable to open acl_file")]
    public void A_missing_file_names_the_config_file_and_line(string option, string expected)
    {
        var missing = Path.Combine(_directory.FullName, "missing");
        var source = Path.Combine(_directory.FullName, "mosquitto.conf");
        var error = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.Parse($"listener 1884\n\n{option} {missing}\n", source));
        Assert.Equal(3, error.LineNumber);
        Assert.Equal(option, error.Option);
        Assert.Contains($"line 3 of {source}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{expected} '{missing}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_instead_of_a_file_names_the_line()
    {
        var error = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.Parse($"acl_file {_directory.FullName}\n", "mosquitto.conf"));
        Assert.Equal(1, error.LineNumber);
        Assert.Contains("line 1 of mosquitto.conf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Readable_files_are_kept()
    {
        var passwd = Path.Combine(_directory.FullName, "passwd");
        var acl = Path.Combine(_directory.FullName, "acl");
        File.WriteAllText(passwd, string.Empty);
        File.WriteAllText(acl, "topic read #\n");
        var config = MosquittoConfigParser.Parse($"password_file {passwd}\nacl_file {acl}\n", "mosquitto.conf");
        Assert.Equal(passwd, config.PasswordFile);
        Assert.Equal(acl, config.AclFile);
    }
}
