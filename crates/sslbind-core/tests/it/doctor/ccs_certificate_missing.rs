//! Where `ccs-certificate-missing` fires, and the near misses where it must not.
