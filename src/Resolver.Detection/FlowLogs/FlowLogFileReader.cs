using System.Buffers;
using System.IO.Compression;
using System.Text;

namespace Resolver.Detection.FlowLogs;

/// <summary>
/// Streams a flow-log file, plain or gzip (told apart by the magic bytes, not the name), line by line from a
/// <see cref="FlowLogCursor"/>: records go to one callback, unreadable lines to another. Nothing here throws
/// for bad content; only a file that cannot be opened does.
/// </summary>
public static class FlowLogFileReader
{
    /// <summary>Longer lines are reported and skipped rather than buffered without bound.</summary>
    public const int MaxLineBytes = 64 * 1024;

    private const int BufferBytes = 64 * 1024;

    /// <param name="completeLinesOnly">
    /// Leave a last line without a newline for the next read (a file still being written); false reads it too.
    /// </param>
    /// <returns>Where the next read starts.</returns>
    public static FlowLogCursor Read(
        string path,
        FlowLogCursor from,
        bool completeLinesOnly,
        Action<FlowLogRecord> onRecord,
        Action<FlowLogDiagnostic> onBadLine)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        var length = file.Length;
        if (length < from.Length)
        {
            // Shorter than last time: the file was replaced or truncated, so it is read again from the start.
            from = FlowLogCursor.Start;
        }

        var gzip = IsGzip(file);
        file.Position = 0;
        using var content = gzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        var state = new ReadState(path, from, onRecord, onBadLine);
        try
        {
            Skip(content, file, gzip, from.Offset);
            ReadLines(content, state, completeLinesOnly);
        }
        catch (InvalidDataException exception)
        {
            onBadLine(new FlowLogDiagnostic(path, state.Line + 1, $"not a readable gzip stream: {exception.Message}"));
        }
        catch (EndOfStreamException)
        {
            // A gzip file shorter than the offset we had: nothing new to read.
        }

        return new FlowLogCursor { Offset = state.Offset, Line = state.Line, Header = state.Format == FlowLogFormat.Default ? null : state.Format?.Header, Length = length };
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        return file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static void Skip(Stream content, FileStream file, bool gzip, long offset)
    {
        if (!gzip)
        {
            file.Position = Math.Min(offset, file.Length);
            return;
        }

        // A gzip stream cannot seek: the consumed part is decompressed again and dropped.
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            while (offset > 0)
            {
                var read = content.Read(buffer, 0, (int)Math.Min(buffer.Length, offset));
                if (read == 0)
                {
                    throw new EndOfStreamException();
                }

                offset -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ReadLines(Stream content, ReadState state, bool completeLinesOnly)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        var pending = new ArrayBufferWriter<byte>();
        long pendingBytes = 0;
        try
        {
            int read;
            while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
            {
                var span = buffer.AsSpan(0, read);
                int newline;
                while ((newline = span.IndexOf((byte)'\n')) >= 0)
                {
                    var piece = span[..newline];
                    if (pendingBytes > 0)
                    {
                        Keep(pending, piece);
                        pendingBytes += piece.Length;
                        state.Consume(pending.WrittenSpan, pendingBytes + 1, pendingBytes > MaxLineBytes);
                        pending.Clear();
                        pendingBytes = 0;
                    }
                    else
                    {
                        state.Consume(piece, newline + 1, piece.Length > MaxLineBytes);
                    }

                    span = span[(newline + 1)..];
                }

                if (span.Length > 0)
                {
                    Keep(pending, span);
                    pendingBytes += span.Length;
                }
            }

            if (pendingBytes > 0 && !completeLinesOnly)
            {
                state.Consume(pending.WrittenSpan, pendingBytes, pendingBytes > MaxLineBytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Keeps a line's bytes up to the limit; beyond it only their count matters (for the offset).</summary>
    private static void Keep(ArrayBufferWriter<byte> pending, ReadOnlySpan<byte> piece)
    {
        if (pending.WrittenCount + piece.Length <= MaxLineBytes)
        {
            pending.Write(piece);
        }
    }

    /// <summary>The reading position and the format in force, advanced line by line.</summary>
    private sealed class ReadState
    {
        private readonly string _path;
        private readonly Action<FlowLogRecord> _onRecord;
        private readonly Action<FlowLogDiagnostic> _onBadLine;

        public ReadState(string path, FlowLogCursor from, Action<FlowLogRecord> onRecord, Action<FlowLogDiagnostic> onBadLine)
        {
            _path = path;
            _onRecord = onRecord;
            _onBadLine = onBadLine;
            Offset = from.Offset;
            Line = from.Line;
            Format = FlowLogFormat.Default;
            if (from.Header is not null && FlowLogFormat.TryParseHeader(from.Header, out var format, out _))
            {
                Format = format;
            }
        }

        public long Offset { get; private set; }

        public long Line { get; private set; }

        /// <summary>The format in force; null after a header that names too little (its lines are skipped).</summary>
        public FlowLogFormat? Format { get; private set; }

        public void Consume(ReadOnlySpan<byte> bytes, long consumed, bool tooLong)
        {
            Offset += consumed;
            Line++;
            if (tooLong)
            {
                Bad($"line longer than {MaxLineBytes} bytes");
                return;
            }

            if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
            {
                bytes = bytes[..^1];
            }

            var text = Encoding.UTF8.GetString(bytes);
            if (string.IsNullOrWhiteSpace(text))
            {
                return;
            }

            if (FlowLogFormat.TryParseHeader(text, out var header, out var headerError))
            {
                Format = header;
                if (headerError is not null)
                {
                    Bad(headerError);
                }

                return;
            }

            if (Format is null)
            {
                return;
            }

            if (FlowLogLineParser.TryParse(text, Format, out var record, out var error))
            {
                _onRecord(record!);
            }
            else
            {
                Bad(error!);
            }
        }

        private void Bad(string reason) => _onBadLine(new FlowLogDiagnostic(_path, Line, reason));
    }
}
