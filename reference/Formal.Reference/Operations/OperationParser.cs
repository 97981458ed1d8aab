using System.Globalization;

namespace Formal.Reference;

/// <summary>Reads the textual form of <see cref="Operation"/> back, e.g. <c>mremap(p0, 0, 2, 4, true)</c>.</summary>
public static class OperationParser
{
    public static Operation Parse(string text)
    {
        if (TryParse(text, out var op, out var error))
            return op;
        throw new FormatException(error);
    }

    public static bool TryParse(string text, out Operation op, out string error)
    {
        var (parsed, problem) = ParseCore(text);
        op = parsed!;
        error = problem ?? "";
        return parsed is not null;
    }

    private static (Operation? Op, string? Error) ParseCore(string text)
    {
        string err = "";
        var s = text.Trim();
        int open = s.IndexOf('(');
        if (open <= 0 || !s.EndsWith(')'))
            return (null, $"expected name(args): '{text}'");
        string name = s[..open].Trim();
        string inner = s[(open + 1)..^1];
        var args = inner.Length == 0 ? Array.Empty<string>() : inner.Split(',').Select(a => a.Trim()).ToArray();

        bool Count(int n)
        {
            if (args.Length == n)
                return true;
            err = $"{name} takes {n} arguments, got {args.Length}: '{text}'";
            return false;
        }
        bool Pid(string a, out int pid)
        {
            var t = a.StartsWith('p') ? a[1..] : a;
            if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out pid))
                return true;
            err = $"bad process '{a}' in '{text}'";
            return false;
        }
        bool Num(string a, out long n)
        {
            if (long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out n))
                return true;
            err = $"bad number '{a}' in '{text}'";
            return false;
        }
        bool ProtArg(string a, out Prot p)
        {
            if (ProtText.TryParse(a, out p))
                return true;
            err = $"bad prot '{a}' (r, rw, rwx) in '{text}'";
            return false;
        }
        Operation? op = null;
        bool ok = Dispatch();
        return ok ? (op, null) : (null, err);

        bool Dispatch()
        {
            switch (name)
            {
                case "mmap":
                case "mprotect":
                    {
                        if (!Count(4) || !Pid(args[0], out var pid) || !Num(args[1], out var a) || !Num(args[2], out var b) || !ProtArg(args[3], out var prot))
                            return false;
                        op = name == "mmap" ? new MmapOp(pid, a, b, prot) : new MprotectOp(pid, a, b, prot);
                        return true;
                    }
                case "munmap":
                    {
                        if (!Count(3) || !Pid(args[0], out var pid) || !Num(args[1], out var a) || !Num(args[2], out var b))
                            return false;
                        op = new MunmapOp(pid, a, b);
                        return true;
                    }
                case "madvise":
                    {
                        if (!Count(4) || !Pid(args[0], out var pid) || !Num(args[1], out var a) || !Num(args[2], out var b))
                            return false;
                        Advice? adv = args[3] switch
                        {
                            "dontfork" => Advice.DontFork,
                            "dofork" => Advice.DoFork,
                            "wipeonfork" => Advice.WipeOnFork,
                            "keeponfork" => Advice.KeepOnFork,
                            _ => null,
                        };
                        if (adv is null)
                        {
                            err = $"bad advice '{args[3]}' (dontfork, dofork, wipeonfork, keeponfork) in '{text}'";
                            return false;
                        }
                        op = new MadviseOp(pid, a, b, adv.Value);
                        return true;
                    }
                case "mremap":
                    {
                        if (!Count(5) || !Pid(args[0], out var pid) || !Num(args[1], out var a) || !Num(args[2], out var b) || !Num(args[3], out var c))
                            return false;
                        var flag = args[4].StartsWith("dontunmap=", StringComparison.Ordinal) ? args[4]["dontunmap=".Length..] : args[4];
                        if (flag is not ("true" or "false"))
                        {
                            err = $"bad dontunmap '{args[4]}' (true, false) in '{text}'";
                            return false;
                        }
                        op = new MremapOp(pid, a, b, c, flag == "true");
                        return true;
                    }
                case "write":
                case "read":
                case "rmap_walk":
                    {
                        if (!Count(2) || !Pid(args[0], out var pid) || !Num(args[1], out var a))
                            return false;
                        op = name switch
                        {
                            "write" => new WriteOp(pid, a),
                            "read" => new ReadOp(pid, a),
                            _ => new RmapWalkOp(pid, a),
                        };
                        return true;
                    }
                case "fork":
                case "exit":
                    {
                        if (!Count(1) || !Pid(args[0], out var pid))
                            return false;
                        op = name == "fork" ? new ForkOp(pid) : new ExitOp(pid);
                        return true;
                    }
                case "inject":
                    {
                        if (!Count(1))
                            return false;
                        AllocKind? k = args[0] switch
                        {
                            "avc" => AllocKind.Avc,
                            "anon_vma" => AllocKind.AnonVma,
                            "vma" => AllocKind.Vma,
                            _ => null,
                        };
                        if (k is null)
                        {
                            err = $"bad allocation kind '{args[0]}' (avc, anon_vma, vma) in '{text}'";
                            return false;
                        }
                        op = new InjectOp(k.Value);
                        return true;
                    }
                default:
                    err = $"unknown operation '{name}' in '{text}'";
                    return false;
            }
        }
    }
}
