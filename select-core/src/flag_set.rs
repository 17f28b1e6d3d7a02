//! The set operations every flag type of the family has (`EpollFlags`, `PollFlags`):
//! one macro, so each type writes only its constants, constructors and formatting.

/// Implements, for a tuple struct `$t($repr)` of flag bits, the bitflags-style set
/// methods (`is_empty`, `contains`, `intersects`, `union`, `intersection`,
/// `difference`, `insert`, `remove`, `toggle`) and the `|`, `|=`, `&`, `&=` operators.
/// Plumbing for the family's crates (hidden, not covered by semver).
#[doc(hidden)]
#[macro_export]
macro_rules! flag_set_ops {
    ($t:ident) => {
        impl $t {
            /// Whether no bit is set.
            #[inline]
            #[must_use]
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// Whether every bit of `other` is set in `self`.
            #[inline]
            #[must_use]
            pub const fn contains(self, other: $t) -> bool {
                self.0 & other.0 == other.0
            }

            /// Whether any bit of `other` is set in `self`.
            #[inline]
            #[must_use]
            pub const fn intersects(self, other: $t) -> bool {
                self.0 & other.0 != 0
            }

            /// The union of both.
            #[inline]
            #[must_use]
            pub const fn union(self, other: $t) -> $t {
                $t(self.0 | other.0)
            }

            /// The bits set in both.
            #[inline]
            #[must_use]
            pub const fn intersection(self, other: $t) -> $t {
                $t(self.0 & other.0)
            }

            /// `self` without the bits of `other`.
            #[inline]
            #[must_use]
            pub const fn difference(self, other: $t) -> $t {
                $t(self.0 & !other.0)
            }

            /// Sets the bits of `other`.
            #[inline]
            pub fn insert(&mut self, other: $t) {
                self.0 |= other.0;
            }

            /// Clears the bits of `other`.
            #[inline]
            pub fn remove(&mut self, other: $t) {
                self.0 &= !other.0;
            }

            /// Flips the bits of `other`.
            #[inline]
            pub fn toggle(&mut self, other: $t) {
                self.0 ^= other.0;
            }
        }

        impl ::core::ops::BitOr for $t {
            type Output = $t;
            #[inline]
            fn bitor(self, rhs: $t) -> $t {
                self.union(rhs)
            }
        }

        impl ::core::ops::BitOrAssign for $t {
            #[inline]
            fn bitor_assign(&mut self, rhs: $t) {
                self.insert(rhs);
            }
        }

        impl ::core::ops::BitAnd for $t {
            type Output = $t;
            #[inline]
            fn bitand(self, rhs: $t) -> $t {
                self.intersection(rhs)
            }
        }

        impl ::core::ops::BitAndAssign for $t {
            #[inline]
            fn bitand_assign(&mut self, rhs: $t) {
                self.0 &= rhs.0;
            }
        }
    };
}
