using System.Text;

namespace Resolver.Firewall.Tests.ThreatProtection;

/// <summary>
/// Re-implementations of publicly documented domain generation algorithms (after the published reverse
/// engineering of each family, e.g. the DGArchive and Johannes Bader's write-ups), with fixed seeds, to
/// measure the scorers against. TLDs are picked from each family's usual ones.
/// </summary>
internal static class DgaFamilies
{
    public static readonly string[] RandomCharacterFamilies = ["conficker", "cryptolocker", "necurs", "ramnit", "banjori"];

    public static readonly string[] DictionaryFamilies = ["suppobox", "matsnu", "gozi"];

    public static List<string> Generate(string family, int count) => family switch
    {
        "conficker" => Conficker(count),
        "cryptolocker" => CryptoLocker(count),
        "necurs" => Necurs(count),
        "ramnit" => Ramnit(count),
        "banjori" => Banjori(count),
        "suppobox" => Suppobox(count),
        "matsnu" => Matsnu(count),
        "gozi" => Gozi(count),
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, null),
    };

    /// <summary>Conficker.C: 4 to 9 random letters a day-seeded generator picks, under 110 TLDs.</summary>
    private static List<string> Conficker(int count)
    {
        string[] tlds = ["com", "net", "org", "info", "biz", "ws", "cn", "de", "ru", "com.br", "co.uk", "com.au"];
        var random = new Random(20090401);
        var names = new List<string>(count);
        while (names.Count < count)
        {
            var length = random.Next(4, 10);
            var label = new StringBuilder();
            for (var i = 0; i < length; i++)
            {
                label.Append((char)('a' + random.Next(26)));
            }

            names.Add($"{label}.{tlds[random.Next(tlds.Length)]}");
        }

        return names;
    }

    /// <summary>CryptoLocker (2013): 12 to 15 letters from three shift-xor registers seeded by the date.</summary>
    private static List<string> CryptoLocker(int count)
    {
        string[] tlds = ["com", "net", "biz", "ru", "org", "co.uk", "info"];
        var names = new List<string>(count);
        var date = new DateOnly(2013, 10, 1);
        for (var sequence = 0; names.Count < count; sequence++)
        {
            if (sequence == 1000)
            {
                sequence = 0;
                date = date.AddDays(1);
            }

            uint day = (uint)date.Day, month = (uint)date.Month, year = (uint)date.Year + (uint)sequence;
            day = (day << 16) ^ day;
            month = (month << 16) ^ month;
            year = (year << 16) ^ year;
            var length = 12 + (int)(((year ^ month ^ day) >> 3) % 4);
            var label = new StringBuilder();
            for (var i = 0; i < length; i++)
            {
                year = ((year ^ (8 * year)) >> 11) ^ ((year & 0xFFFFFFF0) << 17);
                month = ((month ^ (4 * month)) >> 25) ^ (16 * (month & 0xFFFFFFF8));
                day = ((day ^ (day << 13)) >> 19) ^ ((day & 0xFFFFFFFE) << 12);
                label.Append((char)('a' + ((year ^ month ^ day) % 25)));
            }

            names.Add($"{label}.{tlds[sequence % tlds.Length]}");
        }

        return names;
    }

    /// <summary>Necurs: 7 to 21 letters from a 64-bit mixing function over date, sequence and a magic number.</summary>
    private static List<string> Necurs(int count)
    {
        string[] tlds = ["tj", "in", "jp", "tw", "ac", "cm", "la", "mn", "so", "sh", "sc", "nu", "nf", "mu", "ms", "mx", "ki", "im", "cx", "cc", "tv", "bz", "me", "eu", "de", "ru", "co", "su", "pw", "kz", "sx", "us", "ug", "ir", "to", "ga", "com", "net", "org", "biz", "xxx", "pro", "bit"];
        var names = new List<string>(count);
        for (var sequence = 0UL; names.Count < count; sequence++)
        {
            var n = Mix(2016);
            n = Mix(n + 4 + 43690);
            n = Mix(n + (20 >> 2));
            n = Mix(n + sequence);
            n = Mix(n + 9);
            var length = (int)(n % 15) + 7;
            var label = new StringBuilder();
            for (var i = 0UL; i < (ulong)length; i++)
            {
                n = Mix(n + i);
                label.Append((char)('a' + (int)(n % 25)));
                n += 0xABBEDF;
                n = Mix(n);
            }

            names.Add($"{label}.{tlds[(int)(n % (ulong)tlds.Length)]}");
        }

        return names;

        static ulong Mix(ulong value)
        {
            var loops = (int)(value & 0x7F) + 21;
            for (var index = 0; index < loops; index++)
            {
                value += ((value * 7) ^ (value << 15)) + (8 * (ulong)index) - (value >> 5);
            }

            return value;
        }
    }

    /// <summary>Ramnit: 8 to 19 letters from a Park-Miller generator, the seed re-mixed per domain.</summary>
    private static List<string> Ramnit(int count)
    {
        var names = new List<string>(count);
        var seed = 0x79159C10u;
        while (names.Count < count)
        {
            var seedA = seed;
            var length = (int)Next(ref seed, 12) + 8;
            var seedB = seed;
            var label = new StringBuilder();
            for (var i = 0; i < length; i++)
            {
                label.Append((char)('a' + Next(ref seed, 25)));
            }

            names.Add($"{label}.com");
            var m = (ulong)seedA * seedB;
            seed = (uint)((m + (m >> 32)) & 0xFFFFFFFF);
        }

        return names;

        static uint Next(ref uint seed, uint modulus)
        {
            seed = (uint)((16807L * (seed % 127773)) - (2836L * (seed / 127773)));
            return seed % modulus;
        }
    }

    /// <summary>Banjori: rewrites the first four letters of a seed domain, keeping the rest (English-looking) as is.</summary>
    private static List<string> Banjori(int count)
    {
        var names = new List<string>(count);
        var domain = "earnestnessbiophysicalohax.com".ToCharArray();
        while (names.Count < count)
        {
            domain[0] = Lower(domain[0] + domain[3]);
            domain[1] = Lower(domain[0] + (2 * domain[1]));
            domain[2] = Lower(domain[0] + domain[2] - 1);
            domain[3] = Lower(domain[1] + domain[2] + domain[3]);
            names.Add(new string(domain));
        }

        return names;

        static char Lower(int value) => (char)('a' + ((value - 'a') % 26));
    }

    /// <summary>Suppobox: two words from its built-in list of common English words.</summary>
    private static List<string> Suppobox(int count)
    {
        var random = new Random(384);
        var names = new List<string>(count);
        while (names.Count < count)
        {
            names.Add($"{SuppoboxWords[random.Next(SuppoboxWords.Length)]}{SuppoboxWords[random.Next(SuppoboxWords.Length)]}.net");
        }

        return names;
    }

    /// <summary>Matsnu: verbs and nouns glued alternately while the name stays within 24 letters.</summary>
    private static List<string> Matsnu(int count)
    {
        var random = new Random(1024);
        var names = new List<string>(count);
        while (names.Count < count)
        {
            var label = new StringBuilder();
            var target = random.Next(12, 25);
            for (var verb = true; ; verb = !verb)
            {
                var list = verb ? MatsnuVerbs : MatsnuNouns;
                var word = list[random.Next(list.Length)];
                if (label.Length > 0 && label.Length + word.Length > target)
                {
                    break;
                }

                label.Append(word);
            }

            names.Add($"{label}.com");
        }

        return names;
    }

    /// <summary>Gozi/ISFB: words taken from a text in order of a seed, glued up to 24 letters, the last word cut.</summary>
    private static List<string> Gozi(int count)
    {
        var words = GoziText.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 3).ToArray();
        var random = new Random(4343);
        var names = new List<string>(count);
        while (names.Count < count)
        {
            var label = new StringBuilder();
            var target = random.Next(12, 24);
            while (label.Length < target)
            {
                label.Append(words[random.Next(words.Length)]);
            }

            names.Add($"{label.ToString()[..Math.Min(label.Length, 24)]}.com");
        }

        return names;
    }

    // Written for these tests in the style of suppobox's list: common, concrete English words.
    private static readonly string[] SuppoboxWords =
    [
        "above", "action", "advance", "afraid", "against", "airplane", "almost", "alone", "already", "although",
        "always", "amount", "anger", "angry", "animal", "another", "answer", "appear", "apple", "around",
        "arrive", "article", "attempt", "banker", "basket", "battle", "beauty", "became", "because", "become",
        "before", "begin", "behind", "believe", "belong", "beside", "better", "between", "beyond", "bicycle",
        "board", "borrow", "bottle", "bottom", "branch", "bread", "break", "bridge", "bright", "bring",
        "broad", "broke", "brother", "brought", "brown", "build", "burn", "business", "butter", "captain",
        "carry", "catch", "caught", "century", "chair", "chance", "change", "charge", "cheese", "chief",
        "child", "choose", "circle", "city", "class", "clean", "clear", "climb", "clock", "close",
        "cloth", "cloud", "coast", "coffee", "cold", "college", "color", "corner", "cotton", "country",
        "course", "cousin", "cover", "crowd", "danger", "daughter", "dead", "deal", "dear", "death",
        "decide", "degree", "depend", "desert", "desire", "destroy", "differ", "dinner", "direct", "distant",
        "divide", "doctor", "dollar", "double", "dream", "dress", "drink", "drive", "early", "earth",
        "east", "easy", "effect", "eight", "either", "electric", "element", "else", "enemy", "energy",
        "engine", "enough", "enter", "equal", "evening", "event", "every", "exact", "example", "except",
        "experience", "explain", "face", "fact", "fair", "family", "famous", "farmer", "father", "fear",
        "feather", "fellow", "field", "fight", "figure", "finger", "finish", "flower", "follow", "force",
        "forest", "forget", "former", "forward", "fresh", "friend", "front", "fruit", "garden", "gather",
        "gentle", "glass", "golden", "govern", "grass", "great", "green", "ground", "group", "guess",
        "happen", "happy", "heard", "heart", "heavy", "history", "honor", "horse", "hospital", "house",
        "hundred", "hunger", "island", "kitchen", "knife", "ladder", "language", "laugh", "lawyer", "leader",
        "letter", "listen", "little", "machine", "market", "master", "matter", "measure", "middle", "minute",
        "mirror", "modern", "moment", "money", "morning", "mother", "mountain", "music", "nation", "nature",
        "neighbor", "night", "north", "number", "ocean", "office", "orange", "paper", "parent", "party",
        "pencil", "people", "picture", "pleasant", "pocket", "point", "possible", "pretty", "prison", "promise",
        "public", "question", "quick", "quiet", "rather", "reason", "record", "region", "remember", "repeat",
        "river", "rubber", "school", "science", "season", "second", "settle", "shadow", "shake", "shoulder",
        "silver", "simple", "single", "sister", "soldier", "south", "spring", "square", "station", "steel",
        "stone", "straight", "strange", "street", "strong", "student", "subject", "sudden", "summer", "supply",
        "table", "teacher", "thick", "thought", "thousand", "through", "ticket", "together", "travel", "trouble",
        "valley", "village", "visitor", "voice", "water", "weather", "window", "winter", "wonder", "yellow",
    ];

    private static readonly string[] MatsnuVerbs =
    [
        "accept", "add", "agree", "allow", "answer", "appear", "arrive", "ask", "become", "begin", "believe",
        "borrow", "bring", "build", "buy", "call", "carry", "catch", "change", "check", "choose", "clean",
        "close", "collect", "come", "complain", "cook", "count", "cover", "create", "cross", "cut", "dance",
        "decide", "deliver", "describe", "destroy", "develop", "draw", "dream", "drink", "drive", "drop",
        "earn", "eat", "enjoy", "explain", "fall", "feel", "fight", "fill", "find", "finish", "fix", "fly",
        "follow", "forget", "give", "grow", "guess", "hang", "hate", "hear", "help", "hide", "hold", "hope",
        "hunt", "improve", "invite", "join", "jump", "keep", "kick", "kill", "kiss", "know", "laugh", "lead",
        "learn", "leave", "lend", "lift", "like", "listen", "live", "look", "lose", "love", "make", "manage",
        "marry", "meet", "move", "need", "offer", "open", "order", "paint", "pass", "pay", "pick", "plan",
        "play", "pour", "prefer", "prepare", "print", "promise", "protect", "pull", "push", "reach", "read",
        "receive", "remember", "repair", "repeat", "reply", "rest", "return", "ride", "ring", "rise", "run",
        "save", "say", "search", "sell", "send", "serve", "share", "shout", "show", "sing", "sit", "sleep",
        "smile", "speak", "spend", "stand", "start", "stay", "steal", "stop", "study", "succeed", "suggest",
        "support", "swim", "take", "talk", "teach", "tell", "think", "throw", "touch", "train", "travel",
        "try", "turn", "understand", "use", "visit", "wait", "walk", "want", "wash", "watch", "win", "wish",
        "work", "worry", "write",
    ];

    private static readonly string[] MatsnuNouns =
    [
        "account", "address", "advice", "age", "air", "amount", "animal", "area", "army", "art", "baby",
        "bag", "ball", "bank", "bar", "bed", "bird", "blood", "boat", "body", "bone", "book", "box", "boy",
        "brain", "bread", "bus", "card", "care", "case", "cash", "cat", "chance", "chart", "child", "church",
        "class", "club", "coat", "computer", "cost", "county", "course", "cup", "data", "day", "deal",
        "desk", "diet", "dinner", "dog", "door", "dress", "earth", "egg", "energy", "event", "eye", "face",
        "fact", "farm", "field", "film", "fire", "fish", "floor", "food", "forest", "friend", "fruit", "game",
        "garden", "girl", "glass", "goal", "gold", "group", "hair", "hand", "head", "health", "heart",
        "hill", "home", "horse", "hotel", "hour", "house", "idea", "island", "job", "key", "king", "lake",
        "land", "law", "letter", "level", "life", "light", "line", "list", "lunch", "machine", "map",
        "market", "meal", "meat", "method", "milk", "mind", "money", "month", "moon", "morning", "music",
        "name", "nation", "news", "night", "note", "number", "ocean", "office", "oil", "page", "paper",
        "park", "party", "people", "phone", "picture", "piece", "place", "plant", "player", "point",
        "power", "price", "problem", "program", "queen", "radio", "rain", "river", "road", "rock", "room",
        "rule", "salt", "school", "sea", "season", "seat", "ship", "shoe", "shop", "side", "sister", "skin",
        "sky", "snow", "song", "sound", "space", "star", "station", "stone", "store", "story", "street",
        "sugar", "sun", "system", "table", "tea", "team", "test", "thing", "time", "tool", "town", "tree",
        "truth", "union", "user", "value", "village", "voice", "wall", "war", "water", "wave", "way",
        "weather", "week", "wind", "window", "wine", "winter", "wood", "word", "world", "year", "youth",
    ];

    // The first paragraphs of the Declaration of Independence (public domain), the kind of text Gozi draws from.
    private const string GoziText =
        "when in the course of human events it becomes necessary for one people to dissolve the political bands " +
        "which have connected them with another and to assume among the powers of the earth the separate and equal " +
        "station to which the laws of nature and of nature god entitle them a decent respect to the opinions of " +
        "mankind requires that they should declare the causes which impel them to the separation we hold these " +
        "truths to be self evident that all men are created equal that they are endowed by their creator with " +
        "certain unalienable rights that among these are life liberty and the pursuit of happiness that to secure " +
        "these rights governments are instituted among men deriving their just powers from the consent of the " +
        "governed that whenever any form of government becomes destructive of these ends it is the right of the " +
        "people to alter or to abolish it and to institute new government laying its foundation on such principles " +
        "and organizing its powers in such form as to them shall seem most likely to effect their safety and happiness " +
        "prudence indeed will dictate that governments long established should not be changed for light and transient " +
        "causes and accordingly all experience hath shewn that mankind are more disposed to suffer while evils are " +
        "sufferable than to right themselves by abolishing the forms to which they are accustomed";
}
