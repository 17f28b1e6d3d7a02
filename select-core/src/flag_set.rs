//! Small macros the mechanism crates share: the set operations of every flag type
//! (`EpollFlags`, `PollFlags`) and the interrupt-check accessors of every object.

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

/// Implements `set_interrupt_check` / `interrupt_check` for a mechanism object `$t`
/// with a field `check: Option<InterruptCheck>`, with the shared docs; doc lines given
/// before the type's name are added to the setter's docs. Plumbing for the family's
/// crates (hidden, not covered by semver).
#[doc(hidden)]
#[macro_export]
macro_rules! interrupt_check_accessors {
    ($(#[$extra:meta])* $t:ident) => {
        impl $t {
            /// Sets what happens when a wait is interrupted by a signal (PEP 475's
            /// handler step).
            ///
            /// `None` (the default) resumes the wait with the remaining time, as CPython
            /// does when no handler raises. With `Some(check)`, `check` runs after each
            /// EINTR: `Ok` resumes the wait, an error ends it with that error (e.g.
            /// `Interrupted` once a signal handler has set a flag). See
            /// [`InterruptCheck`]($crate::InterruptCheck).
            ///
            $(#[$extra])*
            #[inline]
            pub fn set_interrupt_check(&mut self, check: Option<$crate::InterruptCheck>) {
                self.check = check;
            }

            #[doc = concat!(
                "The check set by [`set_interrupt_check`](",
                stringify!($t),
                "::set_interrupt_check), if any."
            )]
            #[inline]
            pub fn interrupt_check(&self) -> Option<$crate::InterruptCheck> {
                self.check
            }
        }
    };
}
