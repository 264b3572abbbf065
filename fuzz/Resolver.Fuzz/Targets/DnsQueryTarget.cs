using Resolver.Dns.Wire;

namespace Resolver.Fuzz.Targets;

/// <summary>
/// The wire layer alone: <see cref="DnsQueryParser"/>, the name readers and writers on what it accepted,
/// the local answer writers, and <see cref="DnsResponseWriter.Truncate"/> and record copying on the input
/// taken as a response (what an upstream could send).
/// </summary>
public sealed class DnsQueryTarget : IFuzzTarget
{
    private const ushort ServerPayload = 1232;

    private readonly byte[] _answer = new byte[ushort.MaxValue];
    private readonly byte[] _small = new byte[300];
    private readonly byte[] _copy = new byte[ushort.MaxValue];
    private readonly byte[] _lower = new byte[DnsName.MaxWireLength];

    public string Name => "dns-query";

    public string Description => "DnsQueryParser, DnsName, DnsResponseWriter (rcode, header-only, truncation), DnsAnswerBuilder";

    public InputKind Kind => InputKind.DnsMessage;

    public IReadOnlyList<string> Dictionary => [];

    public ulong Execute(ReadOnlySpan<byte> input)
    {
        var outcome = new Outcome();
        var status = DnsQueryParser.Parse(input, out var query);
        outcome.Add((int)status);
        FuzzInvariantException.Check((status == DnsParseStatus.HeaderTooShort) == (input.Length < DnsHeader.Size), "HeaderTooShort must mean fewer than 12 bytes");
        if (status is DnsParseStatus.HeaderTooShort)
        {
            return outcome.Value;
        }

        FuzzInvariantException.Check(query.QuestionEnd <= input.Length, "the question ends past the message");
        if (status is DnsParseStatus.NotAQuery)
        {
            return outcome.Value;
        }

        if (query.QuestionEnd > 0)
        {
            CheckQuestion(input, query, ref outcome);
        }

        var length = query.QuestionEnd > 0
            ? DnsResponseWriter.WriteRcodeResponse(input, query, DnsResponseCode.FormErr, ServerPayload, _answer)
            : DnsResponseWriter.WriteHeaderOnly(input, DnsResponseCode.FormErr, _answer);
        CheckAnswer(input, _answer.AsSpan(0, length), "rcode answer");
        var small = query.QuestionEnd > 0
            ? DnsResponseWriter.WriteRcodeResponse(input, query, DnsResponseCode.BadVers, ServerPayload, _small)
            : DnsResponseWriter.WriteHeaderOnly(input, DnsResponseCode.NotImp, _small);
        FuzzInvariantException.Check(small == 0 || small == length, "an answer that fits a small buffer must have the same length");

        TruncateAsResponse(input, ref outcome);
        CopyRecords(input, ref outcome);
        return outcome.Value;
    }

    private void CheckQuestion(ReadOnlySpan<byte> input, in DnsQuery query, ref Outcome outcome)
    {
        FuzzInvariantException.Check(query.NameWireLength is >= 1 and <= DnsName.MaxWireLength, $"question name length {query.NameWireLength}");
        FuzzInvariantException.Check(query.QuestionEnd == DnsQuery.NameOffset + query.NameWireLength + 4, "question end and name length disagree");
        var lower = _lower.AsSpan();
        var lowerLength = DnsName.CopyLowercase(input, DnsQuery.NameOffset, lower);
        FuzzInvariantException.Check(lowerLength == query.NameWireLength, "CopyLowercase length differs from the parsed name length");
        var expanded = DnsName.CopyExpanded(input, DnsQuery.NameOffset, _copy);
        FuzzInvariantException.Check(expanded == query.NameWireLength, "CopyExpanded length differs from the parsed name length");
        FuzzInvariantException.Check(DnsName.EqualsIgnoreCase(input, DnsQuery.NameOffset, lower, 0), "a name differs from its lower-cased copy");
        var text = DnsName.ToText(input, DnsQuery.NameOffset);
        Span<byte> encoded = stackalloc byte[DnsName.MaxWireLength];
        if (DnsName.TryEncode(text, encoded, out var encodedLength))
        {
            outcome.Add(encodedLength == lowerLength);
        }

        outcome.Add(query.Edns.IsPresent);
        outcome.Add(query.MaxUdpResponseSize(ServerPayload) / 512);
        var builder = new DnsAnswerBuilder(input, query, DnsResponseCode.NoError, _answer);
        builder.TryAddQuestionNameRecord(DnsRecordType.A, 0, [192, 0, 2, 1]);
        builder.TryAddCname(60, lower[..lowerLength]);
        var length = builder.Finish(ServerPayload);
        CheckAnswer(input, _answer.AsSpan(0, length), "built answer");
        FuzzInvariantException.Check(DnsHeader.GetAnswerCount(_answer) == 2, "the builder lost a record");
    }

    /// <summary>The input as an oversized response: truncation must shrink it, keep its ID and set TC.</summary>
    private void TruncateAsResponse(ReadOnlySpan<byte> input, ref Outcome outcome)
    {
        foreach (var limit in (ReadOnlySpan<int>)[512, 1232])
        {
            input.CopyTo(_copy);
            var truncated = DnsResponseWriter.Truncate(_copy, input.Length, limit);
            outcome.Add(truncated);
            FuzzInvariantException.Check(truncated >= DnsHeader.Size && truncated <= input.Length, $"Truncate gave {truncated} bytes for {input.Length}");
            FuzzInvariantException.Check(truncated <= limit, $"Truncate to {limit} gave {truncated} bytes");
            FuzzInvariantException.Check(DnsHeader.GetId(_copy) == DnsHeader.GetId(input), "Truncate changed the ID");
            FuzzInvariantException.Check((DnsHeader.GetFlags(_copy) & DnsHeader.FlagTc) != 0, "Truncate did not set TC");
        }
    }

    /// <summary>Every record of the input copied into a local answer, as OVERRIDE copies an upstream's records.</summary>
    private void CopyRecords(ReadOnlySpan<byte> input, ref Outcome outcome)
    {
        var reader = new DnsRecordReader(input, DnsHeader.Size);
        if (DnsHeader.GetQuestionCount(input) == 0 || !reader.TryReadQuestion(out _, out _, out _))
        {
            return;
        }

        var client = new DnsQuery(DnsHeader.GetId(input), 0, 1, DnsRecordType.A, 1, DnsHeader.Size + 5, default);
        ReadOnlySpan<byte> clientQuery = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1];
        var builder = new DnsAnswerBuilder(clientQuery, client, DnsResponseCode.NoError, _small);
        var copied = 0;
        for (var i = 0; i < 64 && reader.TryRead(out var record); i++)
        {
            FuzzInvariantException.Check(record.End <= input.Length, "a record ends past the message");
            if (builder.TryCopyRecord(input, record))
            {
                copied++;
            }

            FuzzInvariantException.Check(builder.Length <= _small.Length - EdnsInfo.OptRecordSize, "the builder wrote into the OPT reserve");
        }

        outcome.Add(copied);
        var length = builder.Finish(ServerPayload);
        FuzzInvariantException.Check(length <= _small.Length, "the builder overran its buffer");
    }

    private static void CheckAnswer(ReadOnlySpan<byte> query, ReadOnlySpan<byte> answer, string what)
    {
        FuzzInvariantException.Check(answer.Length >= DnsHeader.Size, $"{what}: {answer.Length} bytes");
        FuzzInvariantException.Check(DnsHeader.GetId(answer) == DnsHeader.GetId(query), $"{what}: ID differs from the query's");
        FuzzInvariantException.Check((DnsHeader.GetFlags(answer) & DnsHeader.FlagQr) != 0, $"{what}: QR not set");
    }
}
