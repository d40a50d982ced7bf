using SharpFuzz;
using Tether.Protocol.Fuzz;
using Tether.Protocol.Fuzzing;

// Modes (see fuzz/README.md):
//   (no arguments)            AFL fork server: afl-fuzz runs this program; each input arrives as a stream.
//   --libfuzzer               libFuzzer, through the libfuzzer-dotnet bridge.
//   --write-corpus DIR        writes the seed inputs (valid packets of every type and version) into DIR.
//   --run FILE...             runs the target once on each file, to reproduce a crash outside the fuzzer.
switch (args)
{
    case ["--libfuzzer"]:
        Fuzzer.LibFuzzer.Run(input => ParserFuzzTarget.Run(input));
        break;
    case ["--write-corpus", var directory]:
        SeedCorpus.Write(directory);
        break;
    case ["--run", .. var files]:
        foreach (var file in files)
        {
            ParserFuzzTarget.Run(File.ReadAllBytes(file));
            Console.WriteLine($"{file}: ok");
        }

        break;
    default:
        // OutOfProcess survives stack overflows and other uncatchable failures by running the target in a child.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            ParserFuzzTarget.Run(memory.GetBuffer().AsSpan(0, (int)memory.Length));
        });
        break;
}
