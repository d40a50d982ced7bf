using System.Buffers;
using System.Collections.Concurrent;

namespace Tether.Benchmarks;

/// <summary>
/// Fixed-size blocks for the benchmark's in-memory pipes that are reused without a bound, as Kestrel's own
/// block pool does for real sockets. The default pool (the shared array pool) keeps only a few arrays per core,
/// so ten subscriber pipes holding a burst each would allocate blocks and that would be counted against the
/// broker, which never sees Kestrel's pool in production either.
/// </summary>
internal sealed class BlockMemoryPool : MemoryPool<byte>
{
    private const int BlockSize = 4096;
    private readonly ConcurrentQueue<Block> _free = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, "The pipe asks for at most one block.");
        }

        return _free.TryDequeue(out var block) ? block : new Block(this);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(BlockMemoryPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _bytes = new byte[BlockSize];

        public Memory<byte> Memory => _bytes;

        public void Dispose() => pool._free.Enqueue(this);
    }
}
