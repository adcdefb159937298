namespace OpenEnergy.Fapi.Validation;

/// <summary>Whether granted scopes include every required one: the one scope rule of the validator and the adapters' policies.</summary>
internal static class ScopeMatcher
{
    public static bool ContainsAll(IReadOnlyList<string> granted, IReadOnlyList<string>? required, StringComparison comparison)
    {
        if (required is null)
        {
            return true;
        }

        foreach (string needed in required)
        {
            bool found = false;
            foreach (string scope in granted)
            {
                if (string.Equals(scope, needed, comparison))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
