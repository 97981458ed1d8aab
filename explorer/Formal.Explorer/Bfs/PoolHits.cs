namespace Formal.Explorer.Bfs;

/// How often each pool was exhausted (anon_vma's default configuration: 2.6 million times,
/// reported per pool after each expansion). A pool is found by reference among the few seen so
/// far, since the generator passes the same name string each time; a dictionary keyed by the
/// name hashed the string on every report.
internal sealed class PoolHits
{
    private string[] _names = new string[4];
    private long[] _counts = new long[4];
    private int _n;

    public void Add(string pool, long count = 1)
    {
        for (int i = 0; i < _n; i++)
            if (ReferenceEquals(_names[i], pool))
            {
                _counts[i] += count;
                return;
            }
        AddSlowly(pool, count);
    }

    private void AddSlowly(string pool, long count)
    {
        for (int i = 0; i < _n; i++)
            if (string.Equals(_names[i], pool, StringComparison.Ordinal))
            {
                _counts[i] += count;
                return;
            }
        if (_n == _names.Length)
        {
            Array.Resize(ref _names, 2 * _n);
            Array.Resize(ref _counts, 2 * _n);
        }
        _names[_n] = pool;
        _counts[_n++] = count;
    }

    public void AddTo(PoolHits total)
    {
        for (int i = 0; i < _n; i++) total.Add(_names[i], _counts[i]);
    }

    public void Clear()
    {
        Array.Clear(_names);
        _n = 0;
    }

    public Dictionary<string, long> ToDictionary()
    {
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < _n; i++) d[_names[i]] = _counts[i];
        return d;
    }
}
