"""The hybrid index: passage views, dense and lexical parts, storage and published builds."""
